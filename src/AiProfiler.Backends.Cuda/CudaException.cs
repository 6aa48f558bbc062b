namespace AiProfiler.Backends.Cuda;

/// <summary>A CUDA driver, NVRTC or cuBLAS call failed; the message names the call and the library's error.</summary>
public sealed class CudaException : Exception
{
    /// <summary>Creates the exception for a failed call.</summary>
    /// <param name="function">The native function that failed, e.g. <c>cuMemAlloc_v2</c>.</param>
    /// <param name="code">The result code it returned.</param>
    /// <param name="description">The code's name and meaning.</param>
    public CudaException(string function, int code, string description)
        : base($"{function} failed: {description}")
    {
        Function = function;
        Code = code;
    }

    /// <summary>Creates an exception with a default message.</summary>
    public CudaException()
        : base("a CUDA call failed")
    {
        Function = "";
    }

    /// <summary>Creates the exception with a message.</summary>
    public CudaException(string message)
        : base(message)
    {
        Function = "";
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public CudaException(string message, Exception innerException)
        : base(message, innerException)
    {
        Function = "";
    }

    /// <summary>The native function that failed.</summary>
    public string Function { get; }

    /// <summary>The result code it returned (CUresult, nvrtcResult or cublasStatus_t).</summary>
    public int Code { get; }
}
