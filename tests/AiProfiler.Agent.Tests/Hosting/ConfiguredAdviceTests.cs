namespace AiProfiler.Agent.Tests.Hosting;

public sealed class ConfiguredAdviceTests : IDisposable
{
    private readonly string _config = Path.Combine(Path.GetTempPath(), $"aiprofiler-advise-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(_config);

    [Theory]
    [InlineData("""{ "Model": "lama-3.1-8b" }""", "Advise:Scenarios:0:Model: unknown model 'lama-3.1-8b'; close names: llama-3.1-8b")]
    [InlineData("""{ "Model": "gpt2", "Precision": "q3" }""", "Advise:Scenarios:0:Precision: unknown precision 'q3'; use fp32, ")]
    [InlineData("""{ "Model": "gpt2", "Slo": "ttft=fast" }""", "Advise:Scenarios:0:Slo: ")]
    [InlineData("""{ "Model": "gpt2", "Task": "serve" }""", "Advise:Scenarios:0:Task: 'serve' is not inference, finetune or train")]
    [InlineData("""{ "Model": "gpt2", "Concurrency": 4, "Rate": 2 }""", "Advise:Scenarios:0: give Concurrency or Rate, not both")]
    [InlineData("""{ "Model": "gpt2", "Devices": [ "tpu:0" ] }""", "Advise:Scenarios:0:Devices:0: 'tpu:0' is not a device id")]
    public async Task Run_BadAdviseScenario_ExitsOneNamingTheKey(string scenario, string expected)
    {
        File.WriteAllText(_config, $$"""{ "Schedule": { "Enabled": false }, "Advise": { "Scenarios": [ {{scenario}} ] } }""");

        var run = await CliRun.Invoke("run", "--urls", $"http://127.0.0.1:{FreePort.Next()}", "--config", _config, "--plugins", Repository.Plugins);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("aiprofiler: configuration error: ", run.Error, StringComparison.Ordinal);
        Assert.Contains(expected, run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }
}
