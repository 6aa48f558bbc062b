/*
 * A stand-in for libcuda, libnvrtc and libcublas, so the backend's real P/Invoke paths run without a GPU.
 * Prototypes use the types of CUDA 12.6's cuda.h, nvrtc.h and cublas_api.h, so the C compiler's view of each
 * parameter (width, pointer or value) is the header's. "Device" memory is host memory; the kernel named "scale"
 * and the GEMMs really compute, with BLAS's column-major definition. Built by the tests with gcc -shared.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef int CUresult;
typedef int CUdevice;
typedef int CUdevice_attribute;
typedef unsigned long long CUdeviceptr;
typedef struct CUctx_st *CUcontext;
typedef struct CUmod_st *CUmodule;
typedef struct CUfunc_st *CUfunction;
typedef struct CUstream_st *CUstream;
typedef struct CUevent_st *CUevent;
typedef int nvrtcResult;
typedef struct _nvrtcProgram *nvrtcProgram;
typedef int cublasStatus_t;
typedef int cublasOperation_t;
typedef int cublasMath_t;
typedef int cudaDataType;
typedef int cublasComputeType_t;
typedef int cublasGemmAlgo_t;
typedef struct cublasContext *cublasHandle_t;
typedef CUstream cudaStream_t;

#define MEMORY_LIMIT (1ull << 30)
#define CONTEXT ((CUcontext)0x1000)

static int init_result = 0;
static long live = 0;
static unsigned long long used = 0;
static int compile_count = 0;
static unsigned int last_grid[3], last_block[3];
static CUstream last_stream;

void fake_set_init_result(int result) { init_result = result; }
long fake_live_objects(void) { return live; }
int fake_compile_count(void) { return compile_count; }
void fake_last_launch(unsigned int *dims) { memcpy(dims, last_grid, sizeof last_grid); memcpy(dims + 3, last_block, sizeof last_block); }

/* ---- driver API ---- */
CUresult cuGetErrorString(CUresult error, const char **pStr) { (void)error; *pStr = NULL; return 1; }
CUresult cuGetErrorName(CUresult error, const char **pStr) { (void)error; *pStr = NULL; return 1; }
CUresult cuInit(unsigned int Flags) { return Flags == 0 ? init_result : 1; }
CUresult cuDriverGetVersion(int *driverVersion) { *driverVersion = 12060; return 0; }
CUresult cuDeviceGetCount(int *count) { *count = 1; return 0; }
CUresult cuDeviceGet(CUdevice *device, int ordinal) { if (ordinal != 0) return 101; *device = 0; return 0; }
CUresult cuDeviceGetName(char *name, int len, CUdevice dev) { if (dev != 0) return 101; snprintf(name, (size_t)len, "AiProfiler Fake GPU"); return 0; }
CUresult cuDeviceTotalMem_v2(size_t *bytes, CUdevice dev) { if (dev != 0) return 101; *bytes = MEMORY_LIMIT; return 0; }

CUresult cuDeviceGetAttribute(int *pi, CUdevice_attribute attrib, CUdevice dev)
{
    if (dev != 0) return 101;
    switch (attrib) {
    case 1: *pi = 1024; return 0;       /* MAX_THREADS_PER_BLOCK */
    case 8: *pi = 49152; return 0;      /* MAX_SHARED_MEMORY_PER_BLOCK */
    case 13: *pi = 1410000; return 0;   /* CLOCK_RATE (kHz) */
    case 16: *pi = 108; return 0;       /* MULTIPROCESSOR_COUNT */
    case 36: *pi = 1215000; return 0;   /* MEMORY_CLOCK_RATE (kHz) */
    case 37: *pi = 5120; return 0;      /* GLOBAL_MEMORY_BUS_WIDTH (bits) */
    case 75: *pi = 8; return 0;         /* COMPUTE_CAPABILITY_MAJOR */
    case 76: *pi = 0; return 0;         /* COMPUTE_CAPABILITY_MINOR */
    default: return 1;                  /* an attribute this fake does not know: CUDA_ERROR_INVALID_VALUE */
    }
}

CUresult cuDevicePrimaryCtxRetain(CUcontext *pctx, CUdevice dev) { if (dev != 0) return 101; *pctx = CONTEXT; live++; return 0; }
CUresult cuDevicePrimaryCtxRelease_v2(CUdevice dev) { if (dev != 0) return 101; live--; return 0; }
CUresult cuCtxSetCurrent(CUcontext ctx) { return ctx == CONTEXT || ctx == NULL ? 0 : 201; }

CUresult cuMemGetInfo_v2(size_t *free_bytes, size_t *total) { *free_bytes = MEMORY_LIMIT - used; *total = MEMORY_LIMIT; return 0; }

CUresult cuMemAlloc_v2(CUdeviceptr *dptr, size_t bytesize)
{
    if (bytesize == 0) return 1;
    if (used + bytesize > MEMORY_LIMIT) return 2;
    size_t *block = malloc(bytesize + 16);
    if (block == NULL) return 2;
    block[0] = bytesize;
    used += bytesize;
    live++;
    *dptr = (CUdeviceptr)(uintptr_t)((char *)block + 16);
    return 0;
}

CUresult cuMemFree_v2(CUdeviceptr dptr)
{
    size_t *block = (size_t *)((char *)(uintptr_t)dptr - 16);
    used -= block[0];
    live--;
    free(block);
    return 0;
}

CUresult cuMemcpyHtoD_v2(CUdeviceptr dstDevice, const void *srcHost, size_t ByteCount) { memcpy((void *)(uintptr_t)dstDevice, srcHost, ByteCount); return 0; }
CUresult cuMemcpyDtoH_v2(void *dstHost, CUdeviceptr srcDevice, size_t ByteCount) { memcpy(dstHost, (const void *)(uintptr_t)srcDevice, ByteCount); return 0; }
CUresult cuMemsetD8_v2(CUdeviceptr dstDevice, unsigned char uc, size_t N) { memset((void *)(uintptr_t)dstDevice, uc, N); return 0; }

/*
 * A module is an image the fake NVRTC made ("//fake-ptx" and the CUDA source; kernels are "void NAME(") or PTX text
 * (kernels are ".entry NAME("). Like the driver, an image whose first directive is not .version is no image it knows
 * (CUDA_ERROR_INVALID_IMAGE, 200); PTX without its .target and a 64-bit .address_size fails the JIT
 * (CUDA_ERROR_INVALID_PTX, 218), and PTX newer than ISA 8.5, the newest a CUDA 12.6 driver reads, is
 * CUDA_ERROR_UNSUPPORTED_PTX_VERSION (222).
 */
struct module { int is_ptx; char *text; };

static const char *skip_blank(const char *p)
{
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') p++;
        if (p[0] == '/' && p[1] == '/') { p = strchr(p, '\n'); if (p == NULL) return ""; }
        else if (p[0] == '/' && p[1] == '*') { p = strstr(p + 2, "*/"); if (p == NULL) return ""; p += 2; }
        else return p;
    }
}

/* The directive `name` followed by blanks, or NULL when the text at p is something else. */
static const char *directive(const char *p, const char *name)
{
    size_t n = strlen(name);
    if (strncmp(p, name, n) != 0 || (p[n] != ' ' && p[n] != '\t')) return NULL;
    p += n;
    while (*p == ' ' || *p == '\t') p++;
    return p;
}

static CUresult check_ptx(const char *text)
{
    const char *p = directive(skip_blank(text), ".version");
    if (p == NULL) return 200;
    int major, minor, used;
    if (sscanf(p, "%d.%d%n", &major, &minor, &used) != 2) return 218;
    if (major > 8 || (major == 8 && minor > 5)) return 222;
    p = directive(skip_blank(p + used), ".target");
    int sm;
    if (p == NULL || sscanf(p, "sm_%d", &sm) != 1) return 218;
    p = directive(skip_blank(strchr(p, '\n') != NULL ? strchr(p, '\n') : ""), ".address_size");
    return p != NULL && strncmp(p, "64", 2) == 0 ? 0 : 218;
}

CUresult cuModuleLoadData(CUmodule *module, const void *image)
{
    const char *text = (const char *)image;
    int is_ptx = strncmp(text, "//fake-ptx", 10) != 0;
    if (is_ptx) {
        CUresult checked = check_ptx(text);
        if (checked != 0) return checked;
    }
    struct module *m = malloc(sizeof *m);
    m->is_ptx = is_ptx;
    m->text = strdup(text);
    *module = (CUmodule)m;
    live++;
    return 0;
}

CUresult cuModuleUnload(CUmodule hmod) { struct module *m = (struct module *)hmod; free(m->text); free(m); live--; return 0; }

/* Whether `text` declares `name` right after `prefix`, followed by optional blanks and "(". */
static int declares(const char *text, const char *prefix, const char *name)
{
    size_t p = strlen(prefix), n = strlen(name);
    for (const char *at = strstr(text, prefix); at != NULL; at = strstr(at + 1, prefix)) {
        const char *end = at + p + n;
        if (strncmp(at + p, name, n) != 0) continue;
        while (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n') end++;
        if (*end == '(') return 1;
    }
    return 0;
}

CUresult cuModuleGetFunction(CUfunction *hfunc, CUmodule hmod, const char *name)
{
    struct module *m = (struct module *)hmod;
    if (!declares(m->text, m->is_ptx ? ".entry " : "void ", name)) return 500;
    *hfunc = (CUfunction)strdup(name); /* leaked on purpose: CUfunction handles are owned by their module */
    return 0;
}

CUresult cuLaunchKernel(CUfunction f, unsigned int gridDimX, unsigned int gridDimY, unsigned int gridDimZ,
                        unsigned int blockDimX, unsigned int blockDimY, unsigned int blockDimZ,
                        unsigned int sharedMemBytes, CUstream hStream, void **kernelParams, void **extra)
{
    if (sharedMemBytes != 0 || extra != NULL || hStream != last_stream) return 1;
    last_grid[0] = gridDimX; last_grid[1] = gridDimY; last_grid[2] = gridDimZ;
    last_block[0] = blockDimX; last_block[1] = blockDimY; last_block[2] = blockDimZ;
    if (strcmp((const char *)f, "scale") == 0) {
        /* KERNEL void scale(GLOBAL float* x, float a, INT64 n) */
        float *x = *(float **)kernelParams[0];
        float a = *(float *)kernelParams[1];
        long long n = *(long long *)kernelParams[2];
        unsigned long long threads = (unsigned long long)gridDimX * blockDimX;
        for (unsigned long long i = 0; i < threads; i++)
            if ((long long)i < n) x[i] *= a;
    }
    return 0;
}

CUresult cuStreamCreate(CUstream *phStream, unsigned int Flags) { if (Flags != 0) return 1; *phStream = (CUstream)malloc(1); last_stream = *phStream; live++; return 0; }
CUresult cuStreamSynchronize(CUstream hStream) { return hStream == last_stream ? 0 : 400; }
CUresult cuStreamDestroy_v2(CUstream hStream) { free(hStream); live--; return 0; }

CUresult cuEventCreate(CUevent *phEvent, unsigned int Flags) { if (Flags != 0) return 1; *phEvent = (CUevent)calloc(1, sizeof(double)); live++; return 0; }
CUresult cuEventRecord(CUevent hEvent, CUstream hStream)
{
    struct timespec now;
    if (hStream != last_stream) return 400;
    clock_gettime(CLOCK_MONOTONIC, &now);
    *(double *)hEvent = now.tv_sec * 1e3 + now.tv_nsec / 1e6;
    return 0;
}
CUresult cuEventSynchronize(CUevent hEvent) { (void)hEvent; return 0; }
CUresult cuEventElapsedTime(float *pMilliseconds, CUevent hStart, CUevent hEnd) { *pMilliseconds = (float)(*(double *)hEnd - *(double *)hStart); return 0; }
CUresult cuEventDestroy_v2(CUevent hEvent) { free(hEvent); live--; return 0; }

/* ---- NVRTC ---- */
struct program { char *source; char *log; };

const char *nvrtcGetErrorString(nvrtcResult result) { return result == 6 ? "NVRTC_ERROR_COMPILATION" : "NVRTC_ERROR unknown"; }
nvrtcResult nvrtcGetNumSupportedArchs(int *numArchs) { *numArchs = 5; return 0; }
nvrtcResult nvrtcGetSupportedArchs(int *supportedArchs) { int a[] = {52, 60, 70, 75, 80}; memcpy(supportedArchs, a, sizeof a); return 0; }

nvrtcResult nvrtcCreateProgram(nvrtcProgram *prog, const char *src, const char *name, int numHeaders,
                               const char *const *headers, const char *const *includeNames)
{
    if (numHeaders != 0 || headers != NULL || includeNames != NULL || strcmp(name, "kernel.cu") != 0) return 3;
    struct program *p = calloc(1, sizeof *p);
    p->source = strdup(src);
    p->log = strdup("");
    *prog = (nvrtcProgram)p;
    live++;
    return 0;
}

nvrtcResult nvrtcDestroyProgram(nvrtcProgram *prog)
{
    struct program *p = (struct program *)*prog;
    free(p->source); free(p->log); free(p);
    *prog = NULL;
    live--;
    return 0;
}

nvrtcResult nvrtcCompileProgram(nvrtcProgram prog, int numOptions, const char *const *options)
{
    struct program *p = (struct program *)prog;
    compile_count++;
    if (numOptions < 1 || strcmp(options[0], "--gpu-architecture=compute_80") != 0) {
        free(p->log);
        p->log = strdup("nvrtc: error: invalid value for --gpu-architecture (-arch)\n");
        return 5;
    }
    /* The dialect's prelude must come first and the #line directive must restart numbering at the source. */
    const char *line = strstr(p->source, "#line 1 \"kernel.cu\"\n");
    if (strstr(p->source, "#define KERNEL extern \"C\" __global__") != p->source || line == NULL) return 3;
    const char *bad = strstr(line, "syntax_error");
    if (bad != NULL) {
        int number = 0;
        for (const char *c = line; c < bad; c++) number += *c == '\n';
        char log[256];
        snprintf(log, sizeof log, "kernel.cu(%d): error: identifier \"syntax_error\" is undefined\n\n1 error detected in the compilation of \"kernel.cu\".\n", number);
        free(p->log);
        p->log = strdup(log);
        return 6;
    }
    return 0;
}

static size_t ptx_length(struct program *p) { return strlen("//fake-ptx\n") + strlen(p->source) + 1; }
nvrtcResult nvrtcGetPTXSize(nvrtcProgram prog, size_t *ptxSizeRet) { *ptxSizeRet = ptx_length((struct program *)prog); return 0; }
nvrtcResult nvrtcGetPTX(nvrtcProgram prog, char *ptx) { sprintf(ptx, "//fake-ptx\n%s", ((struct program *)prog)->source); return 0; }
nvrtcResult nvrtcGetProgramLogSize(nvrtcProgram prog, size_t *logSizeRet) { *logSizeRet = strlen(((struct program *)prog)->log) + 1; return 0; }
nvrtcResult nvrtcGetProgramLog(nvrtcProgram prog, char *log) { strcpy(log, ((struct program *)prog)->log); return 0; }

/* ---- cuBLAS ---- */
struct blas { CUstream stream; int math; };

cublasStatus_t cublasCreate_v2(cublasHandle_t *handle) { *handle = (cublasHandle_t)calloc(1, sizeof(struct blas)); live++; return 0; }
cublasStatus_t cublasDestroy_v2(cublasHandle_t handle) { free(handle); live--; return 0; }
cublasStatus_t cublasSetStream_v2(cublasHandle_t handle, cudaStream_t streamId) { ((struct blas *)handle)->stream = streamId; return 0; }
cublasStatus_t cublasSetMathMode(cublasHandle_t handle, cublasMath_t mode) { if (mode != 0) return 7; ((struct blas *)handle)->math = mode; return 0; }
const char *cublasGetStatusName(cublasStatus_t status) { return status == 7 ? "CUBLAS_STATUS_INVALID_VALUE" : "CUBLAS_STATUS_UNKNOWN"; }

/* C = alpha·op(A)·op(B) + beta·C, column-major: element (r, c) of X is X[r + c·ld]. */
static void sgemm(int ta, int tb, int m, int n, int k, float alpha, const float *A, int lda, const float *B, int ldb,
                  float beta, float *C, int ldc)
{
    for (int col = 0; col < n; col++)
        for (int row = 0; row < m; row++) {
            float sum = 0;
            for (int p = 0; p < k; p++) {
                float a = ta ? A[p + (long)row * lda] : A[row + (long)p * lda];
                float b = tb ? B[col + (long)p * ldb] : B[p + (long)col * ldb];
                sum += a * b;
            }
            float *c = &C[row + (long)col * ldc];
            *c = alpha * sum + (beta == 0 ? 0 : beta * *c);
        }
}

static int bad_args(cublasHandle_t h, int ta, int tb, int m, int n, int k, int lda, int ldb, int ldc)
{
    struct blas *b = (struct blas *)h;
    int rowsA = ta ? k : m, rowsB = tb ? n : k;
    return b->stream != last_stream || ta < 0 || ta > 1 || tb < 0 || tb > 1 || m < 0 || n < 0 || k < 0 ||
           lda < (rowsA > 1 ? rowsA : 1) || ldb < (rowsB > 1 ? rowsB : 1) || ldc < (m > 1 ? m : 1);
}

cublasStatus_t cublasSgemm_v2(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb, int m, int n, int k,
                              const float *alpha, const float *A, int lda, const float *B, int ldb, const float *beta, float *C, int ldc)
{
    if (bad_args(handle, transa, transb, m, n, k, lda, ldb, ldc)) return 7;
    sgemm(transa, transb, m, n, k, *alpha, A, lda, B, ldb, *beta, C, ldc);
    return 0;
}

cublasStatus_t cublasSgemmStridedBatched(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb, int m, int n, int k,
                                         const float *alpha, const float *A, int lda, long long int strideA, const float *B, int ldb,
                                         long long int strideB, const float *beta, float *C, int ldc, long long int strideC, int batchCount)
{
    if (bad_args(handle, transa, transb, m, n, k, lda, ldb, ldc) || batchCount < 1) return 7;
    for (int i = 0; i < batchCount; i++)
        sgemm(transa, transb, m, n, k, *alpha, A + i * strideA, lda, B + i * strideB, ldb, *beta, C + i * strideC, ldc);
    return 0;
}

/* Only the TF32 path is faked: fp32 data with CUBLAS_COMPUTE_32F_FAST_TF32 and CUBLAS_GEMM_DEFAULT. */
static int not_tf32(cudaDataType at, cudaDataType bt, cudaDataType ct, cublasComputeType_t compute, cublasGemmAlgo_t algo)
{
    return at != 0 || bt != 0 || ct != 0 || compute != 77 || algo != -1;
}

cublasStatus_t cublasGemmEx(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb, int m, int n, int k,
                            const void *alpha, const void *A, cudaDataType Atype, int lda, const void *B, cudaDataType Btype, int ldb,
                            const void *beta, void *C, cudaDataType Ctype, int ldc, cublasComputeType_t computeType, cublasGemmAlgo_t algo)
{
    if (bad_args(handle, transa, transb, m, n, k, lda, ldb, ldc)) return 7;
    if (not_tf32(Atype, Btype, Ctype, computeType, algo)) return 15;
    sgemm(transa, transb, m, n, k, *(const float *)alpha, A, lda, B, ldb, *(const float *)beta, C, ldc);
    return 0;
}

cublasStatus_t cublasGemmStridedBatchedEx(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb, int m, int n, int k,
                                          const void *alpha, const void *A, cudaDataType Atype, int lda, long long int strideA,
                                          const void *B, cudaDataType Btype, int ldb, long long int strideB, const void *beta,
                                          void *C, cudaDataType Ctype, int ldc, long long int strideC, int batchCount,
                                          cublasComputeType_t computeType, cublasGemmAlgo_t algo)
{
    if (bad_args(handle, transa, transb, m, n, k, lda, ldb, ldc) || batchCount < 1) return 7;
    if (not_tf32(Atype, Btype, Ctype, computeType, algo)) return 15;
    for (int i = 0; i < batchCount; i++)
        sgemm(transa, transb, m, n, k, *(const float *)alpha, (const float *)A + i * strideA, lda,
              (const float *)B + i * strideB, ldb, *(const float *)beta, (float *)C + i * strideC, ldc);
    return 0;
}
