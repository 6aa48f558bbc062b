using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Workloads;

namespace AiProfiler.Workloads.Gemm;

/// <summary>One GEMM configuration with its inputs on the device.</summary>
internal sealed class PreparedGemm : IPreparedWorkload
{
    private const int Seed = 42;
    private const int MaxCheckedElements = 4096;
    private readonly IDevice _device;
    private readonly GemmShape _shape;
    private readonly float[] _a;
    private readonly float[] _b;
    private readonly float[]? _c0;
    private readonly IDeviceBuffer _da;
    private readonly IDeviceBuffer _db;
    private readonly IDeviceBuffer _dc;

    // fp16 and bf16 data crosses to and from the device as fp32 and is converted there (null for fp32).
    private readonly IDeviceBuffer? _staging;

    public PreparedGemm(IDevice device, GemmShape shape)
    {
        _device = device;
        _shape = shape;
        var random = new Random(Seed);
        _a = Fill(random, shape.ElementsA * shape.Batch, shape.Type);
        _b = Fill(random, shape.ElementsB * shape.Batch, shape.Type);
        _c0 = shape.Beta != 0 ? Fill(random, shape.ElementsC * shape.Batch, shape.Type) : null;
        var buffers = new List<IDeviceBuffer>(4);
        try
        {
            buffers.Add(_da = device.Allocate(_a.LongLength, shape.Type));
            buffers.Add(_db = device.Allocate(_b.LongLength, shape.Type));
            buffers.Add(_dc = device.Allocate(shape.ElementsC * shape.Batch, shape.Type));
            if (shape.StagingElements > 0)
            {
                buffers.Add(_staging = device.Allocate(shape.StagingElements));
            }

            Upload(_da, _a);
            Upload(_db, _b);
            ResetC();
        }
        catch
        {
            buffers.ForEach(b => b.Dispose());
            throw;
        }

        var extraC = shape.Beta != 0 ? shape.ElementsC : 0;
        Cost = new WorkloadCost(
            Flops: 2.0 * shape.M * shape.N * shape.K * shape.Batch,
            Bytes: (double)shape.ElementBytes * (shape.ElementsA + shape.ElementsB + shape.ElementsC + extraC) * shape.Batch,
            Items: shape.Batch,
            ItemUnit: "matrices");
    }

    public string Shape => _shape.ToString();

    public WorkloadCost Cost { get; }

    public string Implementation => _device.Ops.GemmImplementation;

    public void Run(IterationContext context) => _device.Ops.Gemm(_shape.Descriptor, _da, _db, _dc);

    /// <summary>
    /// Recomputes from the original C, then compares up to 4096 entries with a double-precision dot product of the
    /// inputs as the device holds them. The tolerance scales with Σ|α·a·b| over the reduction, the bound on fp32
    /// rounding error, so it holds for any K; fp16 and bf16 add the rounding of the stored result.
    /// </summary>
    public VerificationResult Verify()
    {
        ResetC();
        Run(new IterationContext(CancellationToken.None, [], isWarmup: true));
        var total = _shape.ElementsC * _shape.Batch;
        var c = new float[total];
        if (_staging is null)
        {
            _device.Read<float>(_dc, c);
        }
        else
        {
            _device.Ops.Convert(_dc, _staging, total);
            _device.Read<float>(_staging, c);
        }

        var storage = GemmPrecision.UnitRoundoff(_shape.Type);
        var random = new Random(Seed + 1);
        var checks = (int)Math.Min(total, MaxCheckedElements);
        var worst = 0.0;
        var failures = 0;
        for (var s = 0; s < checks; s++)
        {
            var index = total <= MaxCheckedElements ? s : random.NextInt64(total);
            var batch = (int)(index / _shape.ElementsC);
            var i = (int)(index % _shape.ElementsC / _shape.N);
            var j = (int)(index % _shape.N);
            var (expected, magnitude) = Reference(batch, i, j);
            var error = Math.Abs(c[index] - expected);
            var bound = (1e-5 * Math.Sqrt(_shape.K) * magnitude) + (storage * Math.Abs(expected)) + 1e-6;
            worst = Math.Max(worst, error / Math.Max(magnitude, 1e-30));
            if (!(error <= bound))
            {
                failures++;
            }
        }

        var detail = $"max error {worst:0.###e+0} relative to sum|a*b| over {checks} of {total} elements";
        return failures == 0 ? VerificationResult.Pass(worst, detail) : VerificationResult.Fail(worst, $"{failures} elements out of tolerance; {detail}");
    }

    public void Dispose()
    {
        _da.Dispose();
        _db.Dispose();
        _dc.Dispose();
        _staging?.Dispose();
    }

    private (double Value, double Magnitude) Reference(int batch, int i, int j)
    {
        var s = _shape;
        long aBase = batch * s.ElementsA, bBase = batch * s.ElementsB;
        double sum = 0, magnitude = 0;
        for (var p = 0; p < s.K; p++)
        {
            double a = s.TransposeA ? _a[aBase + ((long)p * s.M) + i] : _a[aBase + ((long)i * s.K) + p];
            double b = s.TransposeB ? _b[bBase + ((long)j * s.K) + p] : _b[bBase + ((long)p * s.N) + j];
            sum += a * b;
            magnitude += Math.Abs(s.Alpha * a * b);
        }

        var value = s.Alpha * sum;
        if (_c0 is not null)
        {
            var c = _c0[(batch * s.ElementsC) + ((long)i * s.N) + j];
            value += s.Beta * c;
            magnitude += Math.Abs(s.Beta * c);
        }

        return (value, magnitude);
    }

    private void ResetC()
    {
        if (_c0 is not null)
        {
            Upload(_dc, _c0);
        }
        else
        {
            _device.Ops.Fill(_dc, 0f, 0, _dc.Length);
        }
    }

    private void Upload(IDeviceBuffer buffer, float[] values)
    {
        if (_staging is null)
        {
            _device.Write<float>(buffer, values);
        }
        else
        {
            _device.Write<float>(_staging, values);
            _device.Ops.Convert(_staging, buffer, values.LongLength);
        }
    }

    private static float[] Fill(Random random, long count, DataType type)
    {
        var values = new float[count];
        for (long i = 0; i < count; i++)
        {
            values[i] = GemmPrecision.Round((float)((random.NextDouble() * 2) - 1), type);
        }

        return values;
    }
}
