using System.CommandLine;
using System.Runtime.InteropServices;
using AiProfiler.Abstractions.Devices;
using AiProfiler.Agent.Hosting;
using AiProfiler.Backends.Cpu;
using AiProfiler.Core.Devices;
using AiProfiler.Core.Workers;
using Microsoft.Extensions.Logging.Abstractions;

namespace AiProfiler.Agent.Cli;

/// <summary>
/// <c>aiprofiler worker</c> (hidden): the child process the agent and <c>bench</c> run workloads in. It speaks the
/// worker protocol on standard input and output; anything a plugin prints goes to standard error, which the agent
/// keeps the last lines of. Ctrl+C and SIGTERM reach it too (same terminal or process group): it stops its run and
/// exits 0, and the agent kills it if the run does not return in time.
/// </summary>
internal static class WorkerCommand
{
    public static Command Create()
    {
        var command = new Command("worker", "Run workloads for the agent (started by the agent; speaks JSON lines on stdin/stdout).") { Hidden = true };
        command.SetAction(_ =>
        {
            var protocol = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = false };
            Console.SetOut(Console.Error);
            using var devices = new WorkerDevices();
            using var server = new WorkerServer(Console.In, protocol, devices.Open);
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
            using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
            using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Stop);
            return server.Serve();

            void Stop(PosixSignalContext context)
            {
                context.Cancel = true;
                server.Stop();
            }
        });
        return command;
    }

    /// <summary>
    /// Opens devices the way the agent does, except that the CPU takes the agent's description instead of measuring
    /// its bandwidth again.
    /// </summary>
    private sealed class WorkerDevices : IDisposable
    {
        private readonly Dictionary<string, IDevice> _open = new(StringComparer.Ordinal);
        private DeviceRegistry? _registry;

        public IDevice Open(string id, DeviceInfo? known)
        {
            var normalized = DeviceRegistry.Normalize(id);
            if (_open.TryGetValue(normalized, out var device))
            {
                return device;
            }

            device = normalized == "cpu" && known is not null
                ? new CpuDeviceProvider(known: known).Open(0)
                : (_registry ??= new DeviceRegistry(AgentServiceCollectionExtensions.CreateDeviceProviders(), NullLogger<DeviceRegistry>.Instance)).Open(id);
            _open[normalized] = device;
            return device;
        }

        public void Dispose()
        {
            foreach (var device in _open.Values)
            {
                device.Dispose();
            }

            _registry?.Dispose();
        }
    }
}
