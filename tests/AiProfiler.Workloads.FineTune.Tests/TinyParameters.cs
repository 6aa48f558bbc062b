using AiProfiler.Abstractions.Parameters;

namespace AiProfiler.Workloads.FineTune.Tests;

/// <summary>Parameter sets of the fine-tuning workload for tests: a tiny shape unless overridden.</summary>
internal static class TinyParameters
{
    /// <summary>L=2 D=16 H=2 F=32 V=20 B=2 S=8 (T=16), r=4; each entry of <paramref name="overrides"/> is <c>name=value</c>.</summary>
    public static ParameterSet Create(params string[] overrides)
    {
        var values = new Dictionary<string, string>
        {
            ["layers"] = "2",
            ["d_model"] = "16",
            ["heads"] = "2",
            ["hidden"] = "32",
            ["vocab"] = "20",
            ["batch"] = "2",
            ["seq"] = "8",
            ["rank"] = "4",
            ["alpha"] = "8",
            ["lr"] = "0.01",
        };
        foreach (var pair in overrides)
        {
            var parts = pair.Split('=');
            values[parts[0]] = parts[1];
        }

        var workload = new FineTuneWorkload();
        return ParameterSet.Create(workload.Name, workload.Parameters, values);
    }
}
