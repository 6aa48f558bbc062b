namespace AiProfiler.Core.Advice;

/// <summary>Whether a figure was computed from the model and the calibration, or timed in a real run.</summary>
public enum FigureOrigin
{
    /// <summary>Computed from shapes and calibrated ceilings.</summary>
    Predicted,

    /// <summary>Timed in a real workload run.</summary>
    Measured,
}
