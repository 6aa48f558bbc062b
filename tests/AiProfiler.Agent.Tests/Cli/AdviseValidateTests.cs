using System.Text.Json;
using AiProfiler.Testing;

namespace AiProfiler.Agent.Tests.Cli;

public sealed class AdviseValidateTests : IDisposable
{
    private readonly CalibrateCommandTests _calibration = new();
    private readonly string _models = Path.Combine(Path.GetTempPath(), "aiprofiler-validate-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Validate_LlamaShapedConfigInQ8_RunsTheWorkloadsLlamaPresetAndPrintsTheTable()
    {
        // llama-tiny's shape: the inference workload builds it from its preset, with seeded Q8_0 weights.
        var config = Model("llama-tiny", new
        {
            model_type = "llama", num_hidden_layers = 2, hidden_size = 256, num_attention_heads = 4, num_key_value_heads = 2,
            intermediate_size = 512, vocab_size = 256, max_position_embeddings = 256, tie_word_embeddings = false,
        });

        var run = await CliRun.Invoke("advise", "--model", config, "--precision", "q8_0", "--prompt", "16", "--output", "8", "--device", "cpu",
            "--validate", "--plugins", Repository.Plugins, "--config", _calibration.Config());

        Assert.True(run.ExitCode == 0, run.Error);
        var rows = run.Output.Split('\n').Where(l => l.StartsWith("| cpu ", StringComparison.Ordinal) && l.Contains("inference llama-tiny q8_0 B=1 prompt=16 gen=8", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, rows.Length);
        Assert.Contains(rows, r => r.Contains("| ttft_seconds ", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Contains("| tpot_seconds ", StringComparison.Ordinal));
        Assert.All(rows, r => Assert.Matches(@"\| [+-]\d+(\.\d)?% +\|", r));
        // The same run predicted again from the q8_0 rates measured just before and after it, beside the first error.
        Assert.All(rows, r => Assert.Matches(@"\| [+-]\d+(\.\d)?% +\| [0-9.]+ (s|ms|µs) +\| [+-]\d+(\.\d)?% +\| inference", r));
        Assert.Contains("re-measuring cpu's ceilings before the run", run.Error, StringComparison.Ordinal);
        Assert.Matches(@"predicted again from cpu re-measured before and after the run: GEMM [0-9.]+ GFLOP/s( \(x[0-9.]+ at 32 tokens\))?, attention [0-9.]+ GFLOP/s, element-wise [0-9.]+ GB/s, decode [0-9.]+ GB/s \(q8_0\)", run.Output);
    }

    [Fact]
    public async Task Validate_FineTuneOfAGpt2ShapedConfig_ComparesThePredictedStepWithTheFineTuneWorkloads()
    {
        var config = Model("gpt2-tiny", new { model_type = "gpt2", n_layer = 2, n_embd = 64, n_head = 4, vocab_size = 256, n_positions = 64 });

        var run = await CliRun.Invoke("advise", "--model", config, "--task", "finetune", "--prompt", "16", "--tokens-per-step", "64", "--device", "cpu",
            "--validate", "--format", "json", "--plugins", Repository.Plugins, "--config", _calibration.Config());

        Assert.True(run.ExitCode == 0, run.Error);
        using var json = JsonDocument.Parse(run.Output);
        var cpu = Assert.Single(Assert.Single(json.RootElement.GetProperty("scenarios").EnumerateArray()).GetProperty("predictions").EnumerateArray());
        var step = Assert.Single(cpu.GetProperty("validation").EnumerateArray());
        Assert.Equal("step_seconds", step.GetProperty("metric").GetString());
        Assert.StartsWith("finetune gpt2-tiny full B=4 seq=16, ", step.GetProperty("run").GetString(), StringComparison.Ordinal);
        Assert.True(step.GetProperty("predicted").GetDouble() > 0);
        Assert.True(step.GetProperty("measured").GetDouble() > 0);
        Assert.True(step.GetProperty("predictedNow").GetDouble() > 0);
        Assert.StartsWith("cpu re-measured before and after the run: GEMM ", step.GetProperty("nowBasis").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_ModelTheWorkloadCannotBuild_SaysWhyAndStillAdvises()
    {
        var run = await CliRun.Invoke("advise", "--model", "mistral-7b", "--precision", "q4_k", "--device", "cpu", "--validate", "--format", "json",
            "--plugins", Repository.Plugins, "--config", _calibration.Config());

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("not validated on cpu: the inference workload builds GPT-2 shapes and the Llama-family shapes of its presets (llama-1b, llama-tiny, qwen2-tiny), not mistral-7b", run.Error, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(run.Output);
        var cpu = Assert.Single(Assert.Single(json.RootElement.GetProperty("scenarios").EnumerateArray()).GetProperty("predictions").EnumerateArray());
        Assert.Empty(cpu.GetProperty("validation").EnumerateArray());
    }

    [Theory]
    [InlineData("--precision", "q5_1", "aiprofiler: error: unknown precision 'q5_1'; use ")]
    [InlineData("--concurrency", "0", "aiprofiler: error: --concurrency must be 1..65536")]
    public async Task Validate_BadArgument_OneLineAndExit2(string option, string value, string expected)
    {
        var run = await CliRun.Invoke("advise", "--model", "gpt2", "--validate", option, value, "--plugins", Repository.Plugins, "--config", _calibration.Config());

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith(expected, run.Error, StringComparison.Ordinal);
        Assert.Equal(2, run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    public void Dispose()
    {
        _calibration.Dispose();
        if (Directory.Exists(_models))
        {
            Directory.Delete(_models, recursive: true);
        }
    }

    private string Model(string name, object config)
    {
        var folder = Path.Combine(_models, name);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "config.json");
        File.WriteAllText(path, JsonSerializer.Serialize(config));
        return path;
    }
}
