namespace AiProfiler.Backends.Cpu;

/// <summary>
/// Dedicated threads that run the parts of one GEMM at the same time. The parts of a row-split GEMM meet at a barrier
/// once per packed B block, so all of them must be running at once: the thread pool does not promise that (a busy pool
/// runs one part after another, and the first would wait at the barrier forever), and starting threads per call costs
/// more than a 1024³ product can hide. The threads sleep between calls; one GEMM uses the team at a time.
/// </summary>
internal static class GemmTeam
{
    private static readonly Lock Gate = new();
    private static readonly List<Member> Members = [];

    /// <summary>
    /// Runs <paramref name="body"/>(0) on the calling thread and <paramref name="body"/>(1..parts-1) on team threads, all
    /// at once, and returns when every part is done. False, running nothing, when another GEMM holds the team.
    /// </summary>
    public static bool TryRun(int parts, Action<int> body)
    {
        if (!Gate.TryEnter())
        {
            return false;
        }

        try
        {
            while (Members.Count < parts - 1)
            {
                Members.Add(new Member(Members.Count + 1));
            }

            using var done = new CountdownEvent(parts - 1);
            for (var part = 1; part < parts; part++)
            {
                Members[part - 1].Start(body, part, done);
            }

            body(0);
            done.Wait();
            return true;
        }
        finally
        {
            Gate.Exit();
        }
    }

    /// <summary>One team thread: it waits for a part, runs it and signals the caller's countdown. It lives as long as the process.</summary>
    private sealed class Member
    {
        private readonly object _signal = new();
        private Action<int>? _body;
        private int _part;
        private CountdownEvent? _done;

        public Member(int index)
        {
            new Thread(Loop) { IsBackground = true, Name = $"gemm-{index}" }.Start();
        }

        public void Start(Action<int> body, int part, CountdownEvent done)
        {
            lock (_signal)
            {
                (_body, _part, _done) = (body, part, done);
                Monitor.Pulse(_signal);
            }
        }

        private void Loop()
        {
            while (true)
            {
                Action<int> body;
                int part;
                CountdownEvent done;
                lock (_signal)
                {
                    while (_body is null)
                    {
                        Monitor.Wait(_signal);
                    }

                    (body, part, done) = (_body, _part, _done!);
                    _body = null;
                }

                body(part);
                done.Signal();
            }
        }
    }
}
