namespace AiProfiler.Agent.Reporting;

/// <summary>The latest measured run of one workload, size and implementation on one device.</summary>
/// <param name="Workload">The workload's name.</param>
/// <param name="Device">The device id.</param>
/// <param name="Implementation">What did the work (openblas, clblast, tiled-kernel).</param>
/// <param name="Parameters">The parameters that differ from the defaults, or <c>defaults</c> (the <c>params</c> label).</param>
/// <param name="Shape">The workload's own short description of the size.</param>
/// <param name="Precision">fp32, fp16, bf16.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="Iterations">Timed iterations.</param>
/// <param name="MeanSeconds">Mean seconds per iteration.</param>
/// <param name="StdevSeconds">Standard deviation of the iteration times.</param>
/// <param name="FlopsPerSecond">Achieved FLOP/s.</param>
/// <param name="BytesPerSecond">Achieved bytes/s by the cost model.</param>
/// <param name="ItemsPerSecond">Achieved items/s.</param>
/// <param name="ItemUnit">What an item is (tokens, matrices).</param>
/// <param name="ArithmeticIntensity">FLOPs per byte.</param>
/// <param name="RooflineRatio">Achieved over attainable FLOP/s.</param>
/// <param name="Bound">memory, compute or unknown.</param>
/// <param name="Verified">True when the output matched the reference.</param>
/// <param name="Measurements">The workload's own measurements (ttft_seconds, tpot_seconds), mean over iterations.</param>
internal sealed record RunSummary(
    string Workload,
    string Device,
    string Implementation,
    string Parameters,
    string Shape,
    string Precision,
    DateTimeOffset StartedAt,
    int Iterations,
    double MeanSeconds,
    double StdevSeconds,
    double FlopsPerSecond,
    double BytesPerSecond,
    double ItemsPerSecond,
    string ItemUnit,
    double ArithmeticIntensity,
    double RooflineRatio,
    string Bound,
    bool Verified,
    IReadOnlyDictionary<string, double> Measurements);
