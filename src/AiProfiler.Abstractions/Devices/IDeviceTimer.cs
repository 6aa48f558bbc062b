namespace AiProfiler.Abstractions.Devices;

/// <summary>
/// Device-accurate timing of queued work: CUDA and OpenCL implementations record events on the device's queue, so
/// the elapsed time excludes host overhead and queueing delay; the CPU implementation uses a monotonic clock.
/// </summary>
public interface IDeviceTimer : IDisposable
{
    /// <summary>Marks the start of the timed region on the device's queue.</summary>
    void Start();

    /// <summary>Marks the end of the timed region and waits for the device to reach it.</summary>
    void Stop();

    /// <summary>Seconds between the last <see cref="Start"/> and <see cref="Stop"/>, as the device measured them.</summary>
    double ElapsedSeconds { get; }
}
