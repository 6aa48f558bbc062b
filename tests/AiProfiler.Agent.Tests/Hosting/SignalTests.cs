using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace AiProfiler.Agent.Tests.Hosting;

/// <summary>
/// SIGINT and SIGTERM in the middle of a large GEMM (managed kernel, OpenBLAS, PoCL) stop <c>run</c> with exit code 0
/// and <c>bench</c> with 130 within 5 s, without a crash. Each case runs once here; to repeat one ten times in a row:
/// <c>for i in $(seq 10); do dotnet test tests/AiProfiler.Agent.Tests -c Release --filter "FullyQualifiedName~SignalTests" || break; done</c>.
/// </summary>
public sealed partial class SignalTests : IDisposable
{
    private const int SigInt = 2;
    private const int SigTerm = 15;
    private static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(5);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "aiprofiler-signals-" + Guid.NewGuid().ToString("N"));

    public SignalTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("cpu", "simd", SigInt)]
    [InlineData("cpu", "openblas", SigTerm)]
    [InlineData("opencl:0", "auto", SigInt)]
    public async Task Bench_SignalDuringLargeGemm_PrintsInterruptedAndExits130(string device, string gemm, int signal)
    {
        using var bench = Launch(new Dictionary<string, string> { ["AIPROFILER_CPU_GEMM"] = gemm },
            "bench", "-w", "gemm", "-d", device, "-p", "m=4096", "-p", "n=4096", "-p", "k=4096", "-n", "100", "--plugins", Repository.Plugins);

        await bench.WaitForOutputAsync("gemm on " + device + ": warm-up");
        var stopped = await bench.SignalAndWaitAsync(signal);

        Assert.True(stopped, $"bench did not stop within {StopLimit.TotalSeconds} s:\n{bench.Output}");
        Assert.Equal(130, bench.ExitCode);
        Assert.Contains($"aiprofiler: interrupted during gemm on {device}", bench.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("simd", SigTerm)]
    [InlineData("openblas", SigInt)]
    public async Task Run_SignalDuringLargeGemm_StopsWithExitCode0(string gemm, int signal)
    {
        var config = Path.Combine(_root, "config.json");
        await File.WriteAllTextAsync(config, """
            {
              "Logging": { "LogLevel": { "Default": "Information", "AiProfiler.Core.Workers": "Debug" } },
              "Schedule": { "InitialDelaySeconds": 0, "Jobs": [
                { "Workload": "gemm", "Devices": ["cpu"], "Parameters": { "m": "4096", "n": "4096", "k": "4096" }, "IntervalSeconds": 1, "Iterations": 100 } ] }
            }
            """);
        using var agent = Launch(new Dictionary<string, string> { ["AIPROFILER_CPU_GEMM"] = gemm },
            "run", "--urls", $"http://127.0.0.1:{FreePort.Next()}", "--config", config, "--plugins", Repository.Plugins);

        await agent.WaitForOutputAsync("worker process");
        await agent.WaitForOutputAsync("Application started");
        var stopped = await agent.SignalAndWaitAsync(signal);

        Assert.True(stopped, $"the agent did not stop within {StopLimit.TotalSeconds} s:\n{agent.Output}");
        Assert.Equal(0, agent.ExitCode);
    }

    private static Child Launch(IDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Repository.AgentDll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // Calibrating at start would spend the CPU the signalled run needs (see AgentProcess).
        info.Environment["AIPROFILER_Calibration__OnStart"] = "false";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        return new Child(Process.Start(info)!);
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    private sealed class Child : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();

        public Child(Process process)
        {
            _process = process;
            _process.OutputDataReceived += (_, e) => Append(e.Data);
            _process.ErrorDataReceived += (_, e) => Append(e.Data);
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public int ExitCode => _process.ExitCode;

        /// <summary>Waits (at most two minutes: the triad, the plugins and 4096x4096 inputs come first) for <paramref name="text"/>.</summary>
        public async Task WaitForOutputAsync(string text)
        {
            for (var waited = 0; waited < 1200 && !Output.Contains(text, StringComparison.Ordinal); waited++)
            {
                Assert.False(_process.HasExited, $"exited with {(_process.HasExited ? _process.ExitCode : 0)} before '{text}':\n{Output}");
                await Task.Delay(100);
            }

            Assert.Contains(text, Output, StringComparison.Ordinal);
        }

        /// <summary>Sends <paramref name="signal"/>; true when the process then exits within the limit.</summary>
        public async Task<bool> SignalAndWaitAsync(int signal)
        {
            Assert.Equal(0, Kill(_process.Id, signal));
            using var limit = new CancellationTokenSource(StopLimit);
            try
            {
                await _process.WaitForExitAsync(limit.Token);
                _process.WaitForExit();
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }

            _process.Dispose();
        }

        private void Append(string? line)
        {
            if (line is not null)
            {
                lock (_output)
                {
                    _output.AppendLine(line);
                }
            }
        }
    }
}
