using AiProfiler.Backends.OpenCL.Interop;

namespace AiProfiler.Backends.OpenCL;

/// <summary>An OpenCL or CLBlast call failed; the message names the call and the error code's name.</summary>
public sealed class OpenClException : Exception
{
    /// <summary>Creates the exception for a failed call.</summary>
    public OpenClException(string function, int errorCode)
        : base($"{function} failed: {ClErrors.Name(errorCode)} ({errorCode})")
    {
        Function = function;
        ErrorCode = errorCode;
    }

    /// <summary>Creates the exception with a message.</summary>
    public OpenClException(string function, int errorCode, string message)
        : base(message)
    {
        Function = function;
        ErrorCode = errorCode;
    }

    /// <summary>Creates an exception with a default message.</summary>
    public OpenClException()
        : base("an OpenCL call failed")
    {
        Function = "";
    }

    /// <summary>Creates the exception with a message.</summary>
    public OpenClException(string message)
        : base(message)
    {
        Function = "";
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public OpenClException(string message, Exception innerException)
        : base(message, innerException)
    {
        Function = "";
    }

    /// <summary>The native function that failed.</summary>
    public string Function { get; }

    /// <summary>The <c>cl_int</c> (or CLBlast status) it returned.</summary>
    public int ErrorCode { get; }

    /// <summary>Throws unless <paramref name="errorCode"/> is CL_SUCCESS.</summary>
    internal static void Check(int errorCode, string function)
    {
        if (errorCode != ClConstants.Success)
        {
            throw new OpenClException(function, errorCode);
        }
    }
}
