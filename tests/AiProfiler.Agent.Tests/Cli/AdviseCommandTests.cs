using System.Text.Json;

namespace AiProfiler.Agent.Tests.Cli;

public sealed class AdviseCommandTests : IDisposable
{
    private readonly CalibrateCommandTests _calibration = new();

    [Theory]
    [InlineData("--model", "llama-3.1-8n", "aiprofiler: error: unknown model 'llama-3.1-8n'; close names: llama-3.1-8b, ")]
    [InlineData("--slo", "ttft=2", "aiprofiler: error: --slo 'ttft=2' does not parse at 'ttft=2'; use mlperf-server, mlperf-interactive or ttft=2s,tpot=100ms")]
    [InlineData("--precision", "int3", "aiprofiler: error: unknown precision 'int3'; use fp32, fp16, bf16, q8_0, q6_k, q4_k, q4_0")]
    [InlineData("--device", "cuda:7", "aiprofiler: error: device 'cuda:7'")]
    public async Task Advise_BadArgument_OneLineAndExit2(string option, string value, string expected)
    {
        string[] args = option == "--model" ? ["advise", "--model", value] : ["advise", "--model", "gpt2", option, value];

        var run = await CliRun.Invoke([.. args, "--config", _calibration.Config()]);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith(expected, run.Error, StringComparison.Ordinal);
        Assert.Equal(2, run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task Advise_FileThatIsNotAModel_OneLineAndExit2()
    {
        var path = Path.Combine(Path.GetTempPath(), $"aiprofiler-not-a-model-{Guid.NewGuid():N}.gguf");
        await File.WriteAllTextAsync(path, "hello");
        try
        {
            var run = await CliRun.Invoke("advise", "--model", path, "--config", _calibration.Config());

            Assert.Equal(2, run.ExitCode);
            Assert.StartsWith($"aiprofiler: error: '{path}' is not a model file this reads", run.Error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Advise_Llama8bQ4kInteractive_JsonHasAVerdictAndPredictionsPerDevice()
    {
        var run = await CliRun.Invoke("advise", "--model", "llama-3.1-8b", "--precision", "q4_k", "--slo", "mlperf-interactive", "--device", "cpu", "--format", "json", "--config", _calibration.Config());

        Assert.True(run.ExitCode == 0, run.Error);
        using var json = JsonDocument.Parse(run.Output);
        var scenario = Assert.Single(json.RootElement.GetProperty("scenarios").EnumerateArray());
        Assert.StartsWith("llama-3.1-8b q4_k, 512+128 tokens, SLO mlperf-interactive: cpu serves ", scenario.GetProperty("verdict").GetString(), StringComparison.Ordinal);
        var cpu = Assert.Single(scenario.GetProperty("predictions").EnumerateArray());
        Assert.Equal("predicted", cpu.GetProperty("tpot").GetProperty("origin").GetString());
        Assert.StartsWith("cpu calibrated ", cpu.GetProperty("tpot").GetProperty("basis").GetString(), StringComparison.Ordinal);
        // 8.03 B weights at 144/256 bytes each.
        Assert.InRange(cpu.GetProperty("memory").GetProperty("weightBytes").GetInt64(), 4.4e9, 4.6e9);
    }

    [Fact]
    public async Task Advise_Markdown_HasTheVerdictAndTheDeviceTable()
    {
        var run = await CliRun.Invoke("advise", "--model", "llama-3.1-70b", "--device", "cpu", "--format", "markdown", "--config", _calibration.Config());

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("**Verdict:** llama-3.1-70b fp32, 512+128 tokens, SLO mlperf-server: cpu serves 0 users (does not fit: needs ", run.Output, StringComparison.Ordinal);
        Assert.Contains("| device | users | memory (need/free)", run.Output, StringComparison.Ordinal);
    }

    public void Dispose() => _calibration.Dispose();
}
