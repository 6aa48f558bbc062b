using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using AiProfiler.Deployment.Tests.Support;

namespace AiProfiler.Deployment.Tests.Hosting;

/// <summary>
/// The agent under a fake systemd: the test binds the Unix datagram socket systemd would, starts the real agent with
/// NOTIFY_SOCKET pointing at it, and reads what a Type=notify unit relies on.
/// </summary>
public sealed class SystemdNotifierTests
{
    private static readonly IReadOnlyDictionary<string, string> Quiet = new Dictionary<string, string>
    {
        ["AIPROFILER_Schedule__Enabled"] = "false",
        ["AIPROFILER_Logging__LogLevel__Default"] = "Warning",
    };

    [Fact]
    public async Task Run_UnderNotifySocket_SendsReadyWhenListeningThenWatchdogThenStoppingOnSigtermAndExitsZero()
    {
        using var temp = new TemporaryDirectory();
        var path = temp.File("notify.sock");
        using var socket = Bind(new UnixDomainSocketEndPoint(path));
        using var agent = AgentProcess.Start(environment: new Dictionary<string, string>(Quiet)
        {
            ["NOTIFY_SOCKET"] = path,
            ["WATCHDOG_USEC"] = "400000",
        });
        var received = new List<string>();

        await ReceiveUntilAsync(socket, received, "READY=1", agent);
        using (var client = new TcpClient())
        {
            // READY=1 must mean "serving": the port already accepts connections when systemd hears it.
            await client.ConnectAsync("127.0.0.1", agent.Port);
        }

        await ReceiveUntilAsync(socket, received, "WATCHDOG=1", agent);
        agent.Terminate();
        await ReceiveUntilAsync(socket, received, "STOPPING=1", agent);
        Assert.True(agent.Process.WaitForExit(30_000), $"agent still running 30 s after SIGTERM; log:\n{agent.Log}");

        Assert.Equal(0, agent.Process.ExitCode);
        var ready = received.FindIndex(m => m.Split('\n').Contains("READY=1"));
        var stopping = received.FindIndex(m => m.Split('\n').Contains("STOPPING=1"));
        Assert.True(ready < stopping, $"READY=1 must come before STOPPING=1: {string.Join(" | ", received)}");
        Assert.Single(received, m => m.Split('\n').Contains("READY=1"));
    }

    [Fact]
    public async Task Run_UnderAbstractNotifySocket_SendsReady()
    {
        var name = "aiprofiler-test-" + Guid.NewGuid().ToString("N");
        using var socket = Bind(new UnixDomainSocketEndPoint("\0" + name));
        using var agent = AgentProcess.Start(environment: new Dictionary<string, string>(Quiet) { ["NOTIFY_SOCKET"] = "@" + name });
        var received = new List<string>();

        await ReceiveUntilAsync(socket, received, "READY=1", agent);
        agent.Terminate();
        await ReceiveUntilAsync(socket, received, "STOPPING=1", agent);

        Assert.True(agent.Process.WaitForExit(30_000), $"agent still running 30 s after SIGTERM; log:\n{agent.Log}");
        Assert.Equal(0, agent.Process.ExitCode);
    }

    [Fact]
    public async Task Run_UnderUnsupportedNotifySocket_WarnsAndServesAnyway()
    {
        using var agent = AgentProcess.Start(environment: new Dictionary<string, string>(Quiet) { ["NOTIFY_SOCKET"] = "vsock:2:9999" });

        await agent.WaitListeningAsync();

        // The console logger writes from its own queue, so the line may trail the listening socket by a moment.
        const string warning = "NOTIFY_SOCKET 'vsock:2:9999' is neither a path nor an @abstract name; systemd notifications are off";
        var stopwatch = Stopwatch.StartNew();
        while (!agent.Log.Contains(warning, StringComparison.Ordinal) && stopwatch.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(100);
        }

        Assert.Contains(warning, agent.Log, StringComparison.Ordinal);
        Assert.False(agent.Process.HasExited);
    }

    private static Socket Bind(UnixDomainSocketEndPoint endpoint)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(endpoint);
        return socket;
    }

    private static async Task ReceiveUntilAsync(Socket socket, List<string> received, string expected, AgentProcess agent, int timeoutSeconds = 90)
    {
        var buffer = new byte[4096];
        var stopwatch = Stopwatch.StartNew();
        while (!received.Any(m => m.Split('\n').Contains(expected)))
        {
            var left = TimeSpan.FromSeconds(timeoutSeconds) - stopwatch.Elapsed;
            using var timeout = new CancellationTokenSource(left > TimeSpan.Zero ? left : TimeSpan.Zero);
            try
            {
                var count = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
                received.Add(Encoding.UTF8.GetString(buffer, 0, count));
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"no {expected} within {timeoutSeconds} s; received: {string.Join(" | ", received)}; agent log:\n{agent.Log}");
            }
        }
    }
}
