using System.Diagnostics;

namespace AiProfiler.Backends.Cpu;

/// <summary>
/// Dedicated threads that run the parts of one GEMM or GEMV at the same time. The parts of a row-split GEMM meet at a
/// barrier once per packed B block, so all of them must be running at once: the thread pool does not promise that (a
/// busy pool runs one part after another, and the first would wait at the barrier forever), and starting threads per
/// call costs more than a 1024³ product can hide.
/// <para>
/// Between calls each team thread spins for <see cref="SpinMilliseconds"/> before it sleeps, and the caller spins while
/// it waits for the other parts, the way llama.cpp's and OpenMP's worker threads do. A decode step is about a hundred
/// GEMVs of 1–20 MB with a few tens of microseconds of single-threaded work between them; a sleeping thread takes that
/// long again to wake (on the 2-core VM a GEMV after a 300 µs pause streamed 45.7 GB/s against 57–75 back to back,
/// about 45 µs per wake-up, most of it the hypervisor waking an idle vCPU). Spinning keeps the other cores ready for the
/// whole step and costs at most one core for <see cref="SpinMilliseconds"/> after the last call. When the cores are
/// shared with other processes a team thread may not run for a while: the caller then runs the parts nobody has taken
/// instead of spinning on them (a 2-thread GEMV sweep streamed 3 GB/s without this while a build shared the VM).
/// </para>
/// One GEMM uses the team at a time.
/// </summary>
internal static class GemmTeam
{
    /// <summary>How long a team thread, or the caller waiting for the team, spins before it sleeps.</summary>
    internal const double SpinMilliseconds = 2.0;

    private static readonly long SpinTicks = (long)(Stopwatch.Frequency * SpinMilliseconds / 1000);
    private static readonly Lock Gate = new();
    private static readonly List<Member> Members = [];

    /// <summary>
    /// Runs <paramref name="body"/>(0) on the calling thread and <paramref name="body"/>(1..parts-1) on team threads, all
    /// at once, and returns when every part is done; a part no team thread has taken by the time part 0 ends runs on
    /// the calling thread. False, running nothing, when another call holds the team. An exception from any part is
    /// rethrown here after every part has ended.
    /// </summary>
    public static bool TryRun(int parts, Action<int> body)
    {
        // The lock is re-entrant: a part that itself asks for the team runs its own work inline instead.
        if (Gate.IsHeldByCurrentThread || !Gate.TryEnter())
        {
            return false;
        }

        try
        {
            while (Members.Count < parts - 1)
            {
                Members.Add(new Member(Members.Count + 1));
            }

            var call = new Call(body, parts);
            for (var part = 1; part < parts; part++)
            {
                Members[part - 1].Start(call, part);
            }

            Exception? own = null;
            try
            {
                body(0);
            }
#pragma warning disable CA1031 // the other parts still run on the team's threads and must end before this call returns
            catch (Exception e)
#pragma warning restore CA1031
            {
                own = e;
            }

            // A part no team thread has taken yet (its core is busy with another process) runs here instead of being
            // waited for. Parts that meet at a barrier have all been taken by the time part 0 has passed it.
            for (var part = 1; part < parts; part++)
            {
                call.TryRunPart(part);
            }

            call.Wait();
            var failure = own ?? call.Failure;
            if (failure is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            }

            return true;
        }
        finally
        {
            Gate.Exit();
        }
    }

    /// <summary>Spins until <paramref name="ready"/> is true or the spin time is over; true when it became ready.</summary>
    private static bool SpinUntil(Func<bool> ready)
    {
        var deadline = Stopwatch.GetTimestamp() + SpinTicks;
        while (!ready())
        {
            Thread.SpinWait(16);
            if (Stopwatch.GetTimestamp() > deadline)
            {
                return ready();
            }
        }

        return true;
    }

    /// <summary>
    /// One call's parts 1..n−1: each runs once, on whichever thread claims it first (its team thread, or the caller
    /// once its own part is done), and the caller waits for all of them, spinning first, then sleeping.
    /// </summary>
    private sealed class Call(Action<int> body, int parts)
    {
        private readonly int[] _claimed = new int[parts];
        private readonly Lock _failureGate = new();
        private readonly object _done = new();
        private int _pending = parts - 1;

        public Exception? Failure { get; private set; }

        /// <summary>Runs <paramref name="part"/> unless another thread has claimed it.</summary>
        public void TryRunPart(int part)
        {
            if (Interlocked.Exchange(ref _claimed[part], 1) != 0)
            {
                return;
            }

            try
            {
                body(part);
            }
#pragma warning disable CA1031 // handed to the caller, which rethrows it; a team thread must live on for the next call
            catch (Exception e)
#pragma warning restore CA1031
            {
                lock (_failureGate)
                {
                    Failure ??= e;
                }
            }

            if (Interlocked.Decrement(ref _pending) == 0)
            {
                lock (_done)
                {
                    Monitor.PulseAll(_done);
                }
            }
        }

        public void Wait()
        {
            if (SpinUntil(() => Volatile.Read(ref _pending) == 0))
            {
                return;
            }

            lock (_done)
            {
                while (Volatile.Read(ref _pending) > 0)
                {
                    Monitor.Wait(_done);
                }
            }
        }
    }

    /// <summary>One team thread: it waits for a part and runs it unless the caller got to it first. It lives as long as the process.</summary>
    private sealed class Member
    {
        private readonly object _wake = new();
        private Work? _work;

        public Member(int index)
        {
            new Thread(Loop) { IsBackground = true, Name = $"gemm-{index}" }.Start();
        }

        public void Start(Call call, int part)
        {
            // A previous call's part this thread never took was run by that caller; it is simply replaced.
            Volatile.Write(ref _work, new Work(call, part));
            lock (_wake)
            {
                Monitor.Pulse(_wake);
            }
        }

        private void Loop()
        {
            while (true)
            {
                if (!SpinUntil(() => Volatile.Read(ref _work) is not null))
                {
                    lock (_wake)
                    {
                        while (Volatile.Read(ref _work) is null)
                        {
                            Monitor.Wait(_wake);
                        }
                    }
                }

                if (Interlocked.Exchange(ref _work, null) is { } work)
                {
                    work.Call.TryRunPart(work.Part);
                }
            }
        }

        private sealed record Work(Call Call, int Part);
    }
}
