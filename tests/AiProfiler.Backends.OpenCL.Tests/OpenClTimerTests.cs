using System.Diagnostics;
using AiProfiler.Kernels.Tests;

namespace AiProfiler.Backends.OpenCL.Tests;

[Collection(OpenClDeviceGroup.Name)]
public sealed class OpenClTimerTests
{
    private readonly OpenClFixture _fixture;

    public OpenClTimerTests(OpenClFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public void Stop_AfterQueuedWork_MeasuresDeviceTimeWithinTheWallClock()
    {
        var device = _fixture.Device;
        using var set = new TensorSet(device).Add("x", Approx.Random(1, 256 * 512)).Zeros("y", 256 * 512);
        device.Ops.Softmax(set["x"], set["y"], 256, 512);
        device.Synchronize();
        using var timer = device.CreateTimer();

        var wall = Stopwatch.StartNew();
        timer.Start();
        for (var i = 0; i < 5; i++)
        {
            device.Ops.Softmax(set["x"], set["y"], 256, 512);
        }

        timer.Stop();
        wall.Stop();

        Assert.True(timer.ElapsedSeconds > 0, "the device saw the work take time");
        Assert.True(timer.ElapsedSeconds <= wall.Elapsed.TotalSeconds + 1e-3, $"device {timer.ElapsedSeconds} s within wall {wall.Elapsed.TotalSeconds} s");
    }

    [Fact]
    public void Stop_BeforeStart_ThrowsWithTheFix()
    {
        using var timer = _fixture.Device.CreateTimer();

        var error = Assert.Throws<InvalidOperationException>(timer.Stop);

        Assert.Equal("the timer was stopped before it was started; call Start first", error.Message);
    }

    [Fact]
    public void Dispose_Twice_IsSafe()
    {
        var timer = _fixture.Device.CreateTimer();
        timer.Start();
        timer.Stop();

        timer.Dispose();
        timer.Dispose();

        Assert.True(timer.ElapsedSeconds >= 0);
    }
}
