namespace AiProfiler.Core.Running;

/// <summary>How a run ended.</summary>
public enum RunOutcome
{
    /// <summary>Measured and verified.</summary>
    Passed,

    /// <summary>Measured, but the output did not match the reference.</summary>
    VerificationFailed,

    /// <summary>Refused before allocating: it does not fit in the device's memory, or the device cannot run it.</summary>
    Refused,

    /// <summary>Exceeded its timeout.</summary>
    TimedOut,

    /// <summary>Threw while preparing or running.</summary>
    Failed,
}
