using AiProfiler.Core.Workers;
using Microsoft.Extensions.Options;

namespace AiProfiler.Core.Tests.Workers;

public sealed class PluginQuarantineTests
{
    private readonly SteppedClock _clock = new();
    private readonly PluginQuarantine _quarantine;

    public PluginQuarantineTests() =>
        _quarantine = new PluginQuarantine(Options.Create(new WorkerOptions { QuarantineAfterDeaths = 3, QuarantineSeconds = 60 }), _clock);

    [Fact]
    public void RecordDeath_BelowTheThreshold_DoesNotQuarantine()
    {
        Assert.Null(_quarantine.RecordDeath("Bad", "worker exited: exit code 42"));
        Assert.Null(_quarantine.RecordDeath("Bad", "worker exited: exit code 42"));
        Assert.Null(_quarantine.Find("Bad"));
    }

    [Fact]
    public void RecordDeath_AtTheThreshold_QuarantinesWithTheCause()
    {
        _quarantine.RecordDeath("Bad", "a");
        _quarantine.RecordDeath("Bad", "a");
        var started = _quarantine.RecordDeath("Bad", "worker exited: stack overflow");

        Assert.NotNull(started);
        Assert.Equal(_clock.GetUtcNow().AddSeconds(60), started.Until);
        Assert.Equal("worker exited: stack overflow", _quarantine.Find("Bad")!.Cause);
    }

    [Fact]
    public void RecordDeath_AgainAfterTheQuarantineEnds_DoublesIt()
    {
        for (var i = 0; i < 3; i++)
        {
            _quarantine.RecordDeath("Bad", "a");
        }

        _clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Null(_quarantine.Find("Bad"));

        var again = _quarantine.RecordDeath("Bad", "a");

        Assert.Equal(_clock.GetUtcNow().AddSeconds(120), again!.Until);
    }

    [Fact]
    public void Lift_AfterQuarantine_StartsTheCountAgain()
    {
        for (var i = 0; i < 3; i++)
        {
            _quarantine.RecordDeath("Bad", "a");
        }

        Assert.True(_quarantine.Lift("Bad"));
        Assert.Empty(_quarantine.Quarantined);
        Assert.Null(_quarantine.RecordDeath("Bad", "a"));
    }

    private sealed class SteppedClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
