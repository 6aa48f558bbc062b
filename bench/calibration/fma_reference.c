/* The independent reference for `aiprofiler calibrate`: a plain AVX-512 FMA loop in C, one OpenMP thread per core, 12 accumulators each. Prints GFLOP/s of each of 7 passes. */
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char** argv) {
  long iters = argc > 1 ? atol(argv[1]) : 200000000L;
  double best = 0;
  for (int rep = 0; rep < 7; rep++) {
    double t0 = omp_get_wtime();
    float sink = 0;
#pragma omp parallel reduction(+:sink)
    {
      __m512 m = _mm512_set1_ps(0.999f), a = _mm512_set1_ps(0.001f);
      /* Each accumulator starts from its own value: twelve identical recurrences would be merged by the compiler into
         one (gcc -O3 does), leaving a single FMA chain bound by latency and a figure 12x too high per FMA issued. */
      __m512 c0=_mm512_set1_ps(1.00f),c1=_mm512_set1_ps(1.01f),c2=_mm512_set1_ps(1.02f),c3=_mm512_set1_ps(1.03f),
             c4=_mm512_set1_ps(1.04f),c5=_mm512_set1_ps(1.05f),c6=_mm512_set1_ps(1.06f),c7=_mm512_set1_ps(1.07f),
             c8=_mm512_set1_ps(1.08f),c9=_mm512_set1_ps(1.09f),c10=_mm512_set1_ps(1.10f),c11=_mm512_set1_ps(1.11f);
      for (long i = 0; i < iters; i++) {
        c0=_mm512_fmadd_ps(c0,m,a);c1=_mm512_fmadd_ps(c1,m,a);c2=_mm512_fmadd_ps(c2,m,a);c3=_mm512_fmadd_ps(c3,m,a);
        c4=_mm512_fmadd_ps(c4,m,a);c5=_mm512_fmadd_ps(c5,m,a);c6=_mm512_fmadd_ps(c6,m,a);c7=_mm512_fmadd_ps(c7,m,a);
        c8=_mm512_fmadd_ps(c8,m,a);c9=_mm512_fmadd_ps(c9,m,a);c10=_mm512_fmadd_ps(c10,m,a);c11=_mm512_fmadd_ps(c11,m,a);
      }
      __m512 s = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(c0,c1),_mm512_add_ps(c2,c3)),_mm512_add_ps(_mm512_add_ps(c4,c5),_mm512_add_ps(c6,c7)));
      s = _mm512_add_ps(s, _mm512_add_ps(_mm512_add_ps(c8,c9),_mm512_add_ps(c10,c11)));
      sink += _mm512_reduce_add_ps(s);
    }
    double t = omp_get_wtime() - t0;
    double gf = 2.0 * 16 * 12 * iters * omp_get_max_threads() / t / 1e9;
    printf("%.1f\n", gf);
    if (sink == 12345) printf("x");
  }
  return 0;
}
