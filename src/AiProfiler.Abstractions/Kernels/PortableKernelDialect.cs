namespace AiProfiler.Abstractions.Kernels;

/// <summary>
/// The portable C dialect kernels are written in, once, for OpenCL C and CUDA C. A backend's compiler puts the
/// matching prelude before the source, so a kernel uses only these macros for what differs between the two:
/// <list type="bullet">
/// <item><c>KERNEL</c> before a kernel function (<c>__kernel void</c> / <c>extern "C" __global__ void</c>);
/// <c>DEVICE_FN</c> before a helper function.</item>
/// <item><c>GLOBAL</c> on pointer parameters in device memory; <c>LOCAL</c> on arrays shared by a work group, declared
/// at kernel scope with a constant size.</item>
/// <item><c>GLOBAL_ID(d)</c>, <c>LOCAL_ID(d)</c>, <c>GROUP_ID(d)</c>, <c>LOCAL_SIZE(d)</c>, <c>NUM_GROUPS(d)</c> for
/// d = 0, 1, 2, as <c>int</c>; <c>BARRIER()</c> synchronizes a work group's local memory.</item>
/// <item>Float math: <c>EXP LOG SQRT RSQRT TANH FMAX FMIN FABS POW SIN COS</c>; <c>NEG_INF</c> is −∞.</item>
/// <item><c>ATOMIC_ADD_F(p, v)</c> adds a float atomically to <c>*p</c> in global memory.</item>
/// <item><c>LOCAL_PTR</c> on a helper function's pointer parameter into work-group memory (OpenCL needs the address
/// space there; CUDA has none).</item>
/// <item><c>INT64</c> is a 64-bit signed integer (a <c>long</c> kernel argument; C <c>long</c> is 32 bits on Windows
/// CUDA, so sources never write <c>long</c>).</item>
/// <item><c>FLOAT_AS_UINT(x)</c> and <c>UINT_AS_FLOAT(x)</c> reinterpret the bits of a float and an
/// <c>unsigned int</c> (for fp16/bf16 conversions written with integer operations).</item>
/// </list>
/// Everything else must be the common subset of C99 and C++: no templates, references, overloads, <c>auto</c>, or
/// OpenCL vector types; <c>float</c>, <c>int</c>, <c>unsigned int</c>, <c>unsigned short</c> scalars and pointers;
/// <c>1.0f</c> literals; explicit casts between pointer types. The bundled kernels (AiProfiler.Kernels) follow these
/// rules, and a test checks their text for constructs that only one dialect accepts.
/// </summary>
public static class PortableKernelDialect
{
    /// <summary>The prelude that maps the dialect to OpenCL C 1.2.</summary>
    public const string OpenCLPrelude = """
        #define KERNEL __kernel
        #define DEVICE_FN inline
        #define GLOBAL __global
        #define LOCAL __local
        #define GLOBAL_ID(d) ((int)get_global_id(d))
        #define LOCAL_ID(d) ((int)get_local_id(d))
        #define GROUP_ID(d) ((int)get_group_id(d))
        #define LOCAL_SIZE(d) ((int)get_local_size(d))
        #define NUM_GROUPS(d) ((int)get_num_groups(d))
        #define BARRIER() barrier(CLK_LOCAL_MEM_FENCE)
        #define EXP(x) exp(x)
        #define LOG(x) log(x)
        #define SQRT(x) sqrt(x)
        #define RSQRT(x) rsqrt(x)
        #define TANH(x) tanh(x)
        #define FMAX(a, b) fmax(a, b)
        #define FMIN(a, b) fmin(a, b)
        #define FABS(x) fabs(x)
        #define POW(a, b) pow(a, b)
        #define SIN(x) sin(x)
        #define COS(x) cos(x)
        #define NEG_INF (-INFINITY)
        inline void aip_atomic_add_f(volatile __global float* p, float v)
        {
            union { unsigned int u; float f; } expected, desired;
            do {
                expected.f = *p;
                desired.f = expected.f + v;
            } while (atomic_cmpxchg((volatile __global unsigned int*)p, expected.u, desired.u) != expected.u);
        }
        #define ATOMIC_ADD_F(p, v) aip_atomic_add_f((p), (v))
        #define LOCAL_PTR __local
        #define INT64 long
        #define FLOAT_AS_UINT(x) as_uint(x)
        #define UINT_AS_FLOAT(x) as_float(x)

        """;

    /// <summary>The prelude that maps the dialect to CUDA C++ as NVRTC compiles it.</summary>
    public const string CudaPrelude = """
        #define KERNEL extern "C" __global__
        #define DEVICE_FN __device__ __forceinline__
        #define GLOBAL
        #define LOCAL __shared__
        __device__ __forceinline__ int aip_dim3(unsigned int x, unsigned int y, unsigned int z, int d) { return (int)(d == 0 ? x : (d == 1 ? y : z)); }
        #define GLOBAL_ID(d) (aip_dim3(blockIdx.x, blockIdx.y, blockIdx.z, d) * aip_dim3(blockDim.x, blockDim.y, blockDim.z, d) + aip_dim3(threadIdx.x, threadIdx.y, threadIdx.z, d))
        #define LOCAL_ID(d) aip_dim3(threadIdx.x, threadIdx.y, threadIdx.z, d)
        #define GROUP_ID(d) aip_dim3(blockIdx.x, blockIdx.y, blockIdx.z, d)
        #define LOCAL_SIZE(d) aip_dim3(blockDim.x, blockDim.y, blockDim.z, d)
        #define NUM_GROUPS(d) aip_dim3(gridDim.x, gridDim.y, gridDim.z, d)
        #define BARRIER() __syncthreads()
        #define EXP(x) expf(x)
        #define LOG(x) logf(x)
        #define SQRT(x) sqrtf(x)
        #define RSQRT(x) rsqrtf(x)
        #define TANH(x) tanhf(x)
        #define FMAX(a, b) fmaxf(a, b)
        #define FMIN(a, b) fminf(a, b)
        #define FABS(x) fabsf(x)
        #define POW(a, b) powf(a, b)
        #define SIN(x) sinf(x)
        #define COS(x) cosf(x)
        #define NEG_INF (-__int_as_float(0x7f800000))
        #define ATOMIC_ADD_F(p, v) atomicAdd((p), (v))
        #define LOCAL_PTR
        #define INT64 long long
        #define FLOAT_AS_UINT(x) __float_as_uint(x)
        #define UINT_AS_FLOAT(x) __uint_as_float(x)

        """;
}
