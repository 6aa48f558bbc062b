namespace AiProfiler.Core.Calibration;

/// <summary>The calibration of every device of one machine, as cached in the state directory.</summary>
/// <param name="Key">What it is valid for.</param>
/// <param name="MeasuredAt">When the calibration ran.</param>
/// <param name="Devices">One entry per device.</param>
public sealed record MachineCalibration(CalibrationKey Key, DateTimeOffset MeasuredAt, IReadOnlyList<DeviceCalibration> Devices)
{
    /// <summary>The entry for <paramref name="deviceId"/>, or null.</summary>
    public DeviceCalibration? For(string deviceId) =>
        Devices.FirstOrDefault(d => string.Equals(d.DeviceId, deviceId, StringComparison.Ordinal));
}
