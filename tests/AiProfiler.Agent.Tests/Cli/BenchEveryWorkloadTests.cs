using System.Text.Json;

namespace AiProfiler.Agent.Tests.Cli;

/// <summary>
/// Every bundled workload, at a small size, through the real command line on the CPU and on OpenCL (PoCL here):
/// the same plugin code on two backends, each run verified against its reference.
/// </summary>
public sealed class BenchEveryWorkloadTests
{
    public static TheoryData<string, string, string[]> Cases()
    {
        var small = new Dictionary<string, string[]>
        {
            ["gemm"] = ["m=48", "n=40", "k=33"],
            ["finetune"] = ["d_model=32", "hidden=64", "vocab=64", "batch=2", "seq=16", "heads=2", "layers=1"],
            ["attention"] = ["seq=64", "heads=2", "head_dim=16"],
            ["attention-naive"] = ["seq=64", "heads=2", "head_dim=16", "variant=naive", "causal=true"],
            ["inference"] = ["preset=tiny", "gen=8"],
        };
        var data = new TheoryData<string, string, string[]>();
        foreach (var device in new[] { "cpu", "opencl:0" })
        {
            foreach (var (workload, parameters) in small)
            {
                data.Add(workload, device, parameters);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bench_SmallSize_PassesVerification(string workload, string device, string[] parameters)
    {
        var run = await CliRun.Invoke(["bench", "--workload", workload.Split('-')[0], "--device", device, "--iterations", "2", "--warmup", "1", "--format", "json", "--plugins", Repository.Plugins, .. parameters.SelectMany(p => new[] { "--param", p })]);

        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Error}\n{run.Output}");
        using var json = JsonDocument.Parse(run.Output);
        var result = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal(device, result.GetProperty("device").GetString());
        Assert.True(result.GetProperty("verification").GetProperty("passed").GetBoolean(), result.GetProperty("verification").GetProperty("detail").GetString());
        Assert.True(result.GetProperty("flopsPerSecond").GetDouble() > 0);
        Assert.Equal("passed", result.GetProperty("outcome").GetString());
    }
}
