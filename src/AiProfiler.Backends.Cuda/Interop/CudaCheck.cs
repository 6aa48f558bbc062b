namespace AiProfiler.Backends.Cuda.Interop;

/// <summary>Throws <see cref="CudaException"/> for failed native calls, with the library's own description.</summary>
internal static class CudaCheck
{
    internal static void Driver(CuResult result, string function)
    {
        if (result != CuResult.Success)
        {
            throw new CudaException(function, (int)result, CudaErrorText.DescribeDriver((int)result, CudaErrorText.FromDriver));
        }
    }

    internal static void Nvrtc(NvrtcResult result, string function)
    {
        if (result != NvrtcResult.Success)
        {
            throw new CudaException(function, (int)result, CudaErrorText.DescribeNvrtc((int)result, CudaErrorText.FromNvrtc));
        }
    }

    internal static void Cublas(CublasStatus status, string function)
    {
        if (status != CublasStatus.Success)
        {
            throw new CudaException(function, (int)status, CudaErrorText.DescribeCublas((int)status, CudaErrorText.FromCublas));
        }
    }
}
