namespace AiProfiler.Abstractions.Parameters;

/// <summary>A parameter is unknown or its value is invalid; the message names it and what is accepted.</summary>
public sealed class ParameterException : ArgumentException
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public ParameterException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a default message.</summary>
    public ParameterException()
        : base("invalid workload parameter")
    {
    }

    /// <summary>Creates the exception wrapping another.</summary>
    public ParameterException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
