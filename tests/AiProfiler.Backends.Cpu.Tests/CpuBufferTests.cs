namespace AiProfiler.Backends.Cpu.Tests;

public sealed class CpuBufferTests
{
    [Fact]
    public void Allocate_LargerThanAHugePage_IsZeroFilledAndHoldsDataToItsLastElement()
    {
        using var device = (CpuDevice)new CpuDeviceProvider("simd").Open(0);
        var length = (3 << 20) + 5;
        using var buffer = (CpuBuffer)device.Allocate(length);

        var data = buffer.AsFloat();
        Assert.Equal(-1, data.IndexOfAnyExcept(0f));
        device.Write<float>(buffer, [7f, 8f], length - 2);
        var tail = new float[2];
        device.Read<float>(buffer, tail, length - 2);
        Assert.Equal([7f, 8f], tail);
        unsafe
        {
            // Huge-page aligned, so the advice to back it with 2 MiB pages covers all of it.
            Assert.Equal(0L, (long)buffer.Pointer % (2 << 20));
        }
    }
}
