namespace AiProfiler.Backends.Cpu.Tests;

/// <summary>
/// The team that runs the parts of a GEMM or a decode GEMV: every part runs once per call, a failing part reaches the
/// caller instead of killing a team thread, and a part that asks for the team again is told no instead of deadlocking.
/// It runs alone: a GEMM in a parallel test would hold the team, and <see cref="GemmTeam.TryRun"/> rightly says no then.
/// </summary>
[Collection(nameof(GemmTeamTests))]
[CollectionDefinition(nameof(GemmTeamTests), DisableParallelization = true)]
public sealed class GemmTeamTests
{
    [Fact]
    public void Every_part_runs_exactly_once_per_call_across_many_calls()
    {
        const int parts = 3, calls = 200;
        var counts = new int[parts];
        for (var call = 0; call < calls; call++)
        {
            var ran = new int[parts];
            Assert.True(GemmTeam.TryRun(parts, part =>
            {
                Interlocked.Increment(ref counts[part]);
                Interlocked.Increment(ref ran[part]);
            }));
            Assert.All(ran, once => Assert.Equal(1, once));
        }

        Assert.All(counts, count => Assert.Equal(calls, count));
    }

    [Fact]
    public void Parts_that_meet_at_a_barrier_all_run_at_once_on_distinct_threads()
    {
        const int parts = 3;
        using var barrier = new Barrier(parts);
        var threads = new int[parts];
        var met = new bool[parts];
        for (var call = 0; call < 20; call++)
        {
            Assert.True(GemmTeam.TryRun(parts, part =>
            {
                threads[part] = Environment.CurrentManagedThreadId;
                // Bounded: a part left waiting for a team thread would fail here instead of hanging the suite.
                met[part] = barrier.SignalAndWait(TimeSpan.FromSeconds(30));
            }));
            Assert.Equal([true, true, true], met);
            Assert.Equal(parts, threads.Distinct().Count());
        }
    }

    [Fact]
    public void A_failing_part_is_rethrown_to_the_caller_after_all_parts_ended_and_the_team_still_works()
    {
        var finished = 0;
        var error = Assert.Throws<InvalidOperationException>(() => GemmTeam.TryRun(2, part =>
        {
            if (part == 1)
            {
                throw new InvalidOperationException("part 1 failed");
            }

            Thread.Sleep(20);
            Interlocked.Increment(ref finished);
        }));

        Assert.Equal("part 1 failed", error.Message);
        Assert.Equal(1, finished);
        var ran = 0;
        Assert.True(GemmTeam.TryRun(2, _ => Interlocked.Increment(ref ran)));
        Assert.Equal(2, ran);
    }

    [Fact]
    public void A_part_that_asks_for_the_team_again_is_refused_instead_of_deadlocking()
    {
        var nested = new bool[2];
        Assert.True(GemmTeam.TryRun(2, part => nested[part] = GemmTeam.TryRun(2, _ => { })));
        Assert.Equal([false, false], nested);
    }

    [Fact]
    public void A_call_after_the_team_has_gone_to_sleep_still_runs_every_part()
    {
        Assert.True(GemmTeam.TryRun(2, _ => { }));
        // Longer than the spin: the team thread sleeps before this call, and the caller's join sleeps while part 1 does.
        Thread.Sleep(TimeSpan.FromMilliseconds(GemmTeam.SpinMilliseconds * 5));
        var ran = new bool[2];
        Assert.True(GemmTeam.TryRun(2, part =>
        {
            if (part == 1)
            {
                Thread.Sleep(TimeSpan.FromMilliseconds(GemmTeam.SpinMilliseconds * 3));
            }

            ran[part] = true;
        }));
        Assert.Equal([true, true], ran);
    }
}
