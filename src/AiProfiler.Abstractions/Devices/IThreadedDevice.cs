namespace AiProfiler.Abstractions.Devices;

/// <summary>
/// A device whose operations run on host threads (the CPU). The runner sets <see cref="Threads"/> for a run when the
/// user asks for a thread count (<c>aiprofiler bench --threads N</c>, a job's <c>Threads</c>) and restores it after.
/// </summary>
public interface IThreadedDevice
{
    /// <summary>
    /// The most threads one operation may use, 1 to <see cref="MaxThreads"/>; all logical cores unless set. Setting
    /// a count outside that range throws <see cref="ArgumentOutOfRangeException"/> naming the range.
    /// </summary>
    int Threads { get; set; }

    /// <summary>The host's logical cores: the largest <see cref="Threads"/> accepted.</summary>
    int MaxThreads { get; }
}
