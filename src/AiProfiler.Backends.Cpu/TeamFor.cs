namespace AiProfiler.Backends.Cpu;

/// <summary>
/// A loop over independent items on the GEMM team (<see cref="GemmTeam"/>), whose threads already spin between the
/// calls of a forward pass, or on the thread pool while a GEMM holds the team.
/// </summary>
internal static class TeamFor
{
    /// <summary>
    /// <paramref name="body"/>(i) for i in [0, <paramref name="count"/>) on up to <paramref name="parallel"/>'s thread
    /// count: items are claimed one at a time, so a thread whose core another process takes runs fewer.
    /// </summary>
    public static void Run(ParallelOptions parallel, int count, Action<int> body)
    {
        var parts = Math.Clamp(parallel.MaxDegreeOfParallelism, 1, Math.Max(1, count));
        if (parts == 1)
        {
            for (var i = 0; i < count; i++)
            {
                body(i);
            }

            return;
        }

        var next = 0;
        void Part(int part)
        {
            for (var i = Interlocked.Increment(ref next) - 1; i < count; i = Interlocked.Increment(ref next) - 1)
            {
                body(i);
            }
        }

        if (!GemmTeam.TryRun(parts, Part))
        {
            Parallel.For(0, parts, parallel, Part);
        }
    }
}
