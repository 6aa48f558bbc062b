using AiProfiler.Agent.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AiProfiler.Agent.Tests.Hosting;

/// <summary>Which lifetime the agent's host gets: the service manager's (from the Hosting.Systemd and .WindowsServices packages) or the console's.</summary>
public sealed class ServiceLifetimeServiceCollectionExtensionsTests
{
    [Fact]
    public void AddServiceLifetimes_OutsideAnyServiceManager_KeepsTheConsoleLifetime()
    {
        using var host = Build(notifySocket: null);

        // Not started by the Windows service control manager (nor by systemd): Ctrl+C and SIGTERM stop the agent as before.
        Assert.IsType<ConsoleLifetime>(host.Services.GetRequiredService<IHostLifetime>());
    }

    [Theory]
    [InlineData("/run/systemd/notify")]
    [InlineData("@aiprofiler-notify")]
    public void AddServiceLifetimes_NotifySocket_UsesSystemdsLifetime(string socket)
    {
        using var host = Build(socket);

        Assert.IsType<SystemdLifetime>(host.Services.GetRequiredService<IHostLifetime>());
    }

    [Fact]
    public void AddServiceLifetimes_VsockNotifySocket_KeepsTheConsoleLifetime()
    {
        using var host = Build("vsock:2:9999");

        Assert.IsType<ConsoleLifetime>(host.Services.GetRequiredService<IHostLifetime>());
        Assert.Null(host.Services.GetService<ISystemdNotifier>());
    }

    [Theory]
    [InlineData("60000000", null, 30_000)]
    [InlineData("400000", "4242", 200)]
    public void WatchdogInterval_WatchdogForThisProcess_IsHalfOfWatchdogUsec(string usec, string? pid, int expectedMilliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), ServiceLifetimeServiceCollectionExtensions.WatchdogInterval(usec, pid, 4242));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("0", null)]
    [InlineData("sixty", null)]
    [InlineData("400000", "1")]
    public void WatchdogInterval_NoWatchdogOrAnotherProcesss_IsNull(string? usec, string? pid)
    {
        Assert.Null(ServiceLifetimeServiceCollectionExtensions.WatchdogInterval(usec, pid, 4242));
    }

    [Fact]
    public async Task SystemdWatchdogService_EveryInterval_SendsWatchdog()
    {
        var time = new FakeTimeProvider();
        var notifier = new RecordingNotifier();
        using var service = new SystemdWatchdogService(TimeSpan.FromSeconds(30), null, time, NullLogger<SystemdWatchdogService>.Instance, notifier);

        await service.StartAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.Empty(notifier.Sent);
        time.Advance(TimeSpan.FromSeconds(1));
        await notifier.WaitForAsync(1);
        time.Advance(TimeSpan.FromSeconds(30));
        await notifier.WaitForAsync(2);
        await service.StopAsync(CancellationToken.None);

        Assert.Equal(["WATCHDOG=1", "WATCHDOG=1"], notifier.Sent);
    }

    private static IHost Build(string? notifySocket)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddServiceLifetimes(notifySocket, watchdogMicroseconds: null, watchdogPid: null);
        return builder.Build();
    }

    private sealed class RecordingNotifier : ISystemdNotifier
    {
        private readonly List<string> _sent = [];

        public bool IsEnabled => true;

        public IReadOnlyList<string> Sent
        {
            get
            {
                lock (_sent)
                {
                    return [.. _sent];
                }
            }
        }

        public void Notify(ServiceState state)
        {
            lock (_sent)
            {
                _sent.Add(state.ToString());
            }
        }

        /// <summary>The service's loop resumes on the thread pool after each tick; wait (bounded) for it to send.</summary>
        public async Task WaitForAsync(int count)
        {
            for (var i = 0; i < 500 && Sent.Count < count; i++)
            {
                await Task.Delay(10);
            }

            Assert.Equal(count, Sent.Count);
        }
    }
}
