namespace AiProfiler.Telemetry.Linux;

/// <summary>
/// Turns a RAPL zone's <c>energy_uj</c>, which wraps to 0 after <c>max_energy_range_uj</c>, into a counter that only
/// goes up. A long interval can hide more than one wrap; at RAPL's package power (at most a few hundred watts) the
/// range of 2^32 µJ or more lasts minutes, longer than the longest sensible interval of this sampler.
/// </summary>
internal sealed class RaplEnergyCounter
{
    private ulong? _last;
    private double _totalMicrojoules;

    public double Joules => _totalMicrojoules / 1e6;

    public double Update(ulong microjoules, ulong maxRangeMicrojoules)
    {
        if (_last is null)
        {
            _totalMicrojoules = microjoules;
        }
        else if (microjoules >= _last.Value)
        {
            _totalMicrojoules += microjoules - _last.Value;
        }
        else
        {
            _totalMicrojoules += maxRangeMicrojoules - _last.Value + microjoules;
        }

        _last = microjoules;
        return Joules;
    }
}
