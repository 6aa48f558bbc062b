using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Backends.Ilgpu.Tests;

/// <summary>Seeded inputs, transfers, and comparisons with a tolerance scaled to each computation.</summary>
internal static class HostData
{
    /// <summary>The fp32 unit roundoff.</summary>
    public const double Unit = 1.0 / (1 << 24);

    public static float[] Random(int count, int seed, float scale = 1f)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1) * scale).ToArray();
    }

    public static IDeviceBuffer Upload(IDevice device, float[] values)
    {
        var buffer = device.Allocate(values.Length);
        device.Write<float>(buffer, values);
        return buffer;
    }

    public static IDeviceBuffer Upload(IDevice device, int[] values)
    {
        var buffer = device.Allocate(values.Length, DataType.Int32);
        device.Write<int>(buffer, values);
        return buffer;
    }

    public static float[] Download(IDevice device, IDeviceBuffer buffer)
    {
        var values = new float[buffer.Length];
        device.Read<float>(buffer, values);
        return values;
    }

    /// <summary>
    /// Asserts |expected − actual| ≤ c·n·u·(|expected| + magnitude) per element, where n is the length of the
    /// reduction behind each value and magnitude the size of the terms it sums (the two backends order sums and
    /// round transcendental functions differently).
    /// </summary>
    public static void AssertClose(float[] expected, float[] actual, int reduction, double magnitude = 1, double c = 16)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var tolerance = c * Math.Max(1, reduction) * Unit * (Math.Abs(expected[i]) + magnitude);
            if (float.IsNegativeInfinity(expected[i]) || float.IsNaN(expected[i]))
            {
                Assert.Equal(expected[i], actual[i]);
                continue;
            }

            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance,
                $"element {i}: ilgpu-cpu gave {actual[i]}, the CPU backend {expected[i]} (tolerance {tolerance:g3})");
        }
    }
}
