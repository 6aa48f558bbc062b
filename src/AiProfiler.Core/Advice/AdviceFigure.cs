namespace AiProfiler.Core.Advice;

/// <summary>One figure of the advice with where it came from, so a reader can tell a prediction from a measurement.</summary>
/// <param name="Value">The value in base units (seconds, tokens/s, requests/s).</param>
/// <param name="Origin">Predicted or measured.</param>
/// <param name="Basis">What it rests on, e.g. <c>cpu triad 21.3 GB/s (calibrated 2026-12-03T17:50Z)</c> or <c>inference run, 5 iterations</c>.</param>
public sealed record AdviceFigure(double Value, FigureOrigin Origin, string Basis);
