namespace AiProfiler.Backends.Cuda.Interop;

/// <summary>A cuBLAS handle from cublasCreate_v2 (bound to the context current at creation), destroyed with cublasDestroy_v2.</summary>
internal sealed class CublasHandle(CudaPrimaryContextHandle context, nint cublas)
    : CudaContextBoundHandle(context, cublas)
{
    protected override bool Free(nint value) => CublasApi.cublasDestroy_v2(value) == CublasStatus.Success;
}
