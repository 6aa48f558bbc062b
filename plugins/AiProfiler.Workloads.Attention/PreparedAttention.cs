using System.Globalization;
using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Workloads;

namespace AiProfiler.Workloads.Attention;

/// <summary>Attention inputs on one device and the queued operations of one forward pass.</summary>
internal sealed class PreparedAttention : IPreparedWorkload
{
    /// <summary>Outputs are averages of V in [−1, 1]; fp32 accumulation stays orders of magnitude below this.</summary>
    internal const double Tolerance = 1e-3;

    private const ulong QueryStream = 0x5101;
    private const ulong KeyStream = 0x4B02;
    private const ulong ValueStream = 0x5603;

    // Queries spread wider than keys so the softmax is peaked enough for a wrong scale or mask to show.
    private const float QueryScale = 2f;
    private const int FillChunk = 1 << 20;

    private readonly IDevice _device;
    private readonly AttentionShape _shape;
    private readonly List<IDeviceBuffer> _buffers = [];
    private readonly IDeviceBuffer _q;
    private readonly IDeviceBuffer _k;
    private readonly IDeviceBuffer _v;
    private readonly IDeviceBuffer _o;
    private readonly IDeviceBuffer? _scores;
    private bool _ran;

    private PreparedAttention(IDevice device, AttentionShape shape)
    {
        _device = device;
        _shape = shape;
        try
        {
            _q = Allocate(shape.TensorElements);
            _k = Allocate(shape.TensorElements);
            _v = Allocate(shape.TensorElements);
            _o = Allocate(shape.TensorElements);
            _scores = shape.Variant == AttentionVariant.Naive ? Allocate(shape.ScoreElements) : null;
            Fill(_q, QueryStream, QueryScale);
            Fill(_k, KeyStream, 1f);
            Fill(_v, ValueStream, 1f);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Shape => _shape.Describe();

    public WorkloadCost Cost => _shape.Cost;

    public string Implementation => _shape.Variant == AttentionVariant.Fused ? "fused" : _device.Ops.GemmImplementation;

    /// <summary>The output O, for tests that tamper with it.</summary>
    internal IDeviceBuffer Output => _o;

    public static PreparedAttention Create(IDevice device, AttentionShape shape) => new(device, shape);

    public void Run(IterationContext context)
    {
        if (_shape.Variant == AttentionVariant.Fused)
        {
            _device.Ops.Attention(Descriptor(), _q, _k, _v, _o);
        }
        else
        {
            RunNaive(_scores!);
        }

        _ran = true;
    }

    public VerificationResult Verify()
    {
        if (!_ran)
        {
            Run(new IterationContext(CancellationToken.None, [], isWarmup: true));
        }

        var n = _shape.Sequence;
        var d = _shape.HeadDim;
        var scale = 1.0 / Math.Sqrt(d);
        var heads = AttentionReference.Sample(_shape.BatchHeads, 5);
        var rows = AttentionReference.Sample(n, 32);
        var k = new float[n * d];
        var v = new float[n * d];
        var q = new float[d];
        var o = new float[d];
        var maxError = 0.0;
        foreach (var head in heads)
        {
            var headStart = (long)head * n * d;
            SeededValues.Fill(KeyStream, headStart, k, 1f);
            SeededValues.Fill(ValueStream, headStart, v, 1f);
            foreach (var row in rows)
            {
                var rowStart = headStart + ((long)row * d);
                SeededValues.Fill(QueryStream, rowStart, q, QueryScale);
                _device.Read<float>(_o, o, rowStart);
                var expected = AttentionReference.Row(q, k, v, d, _shape.Causal ? row : n - 1, scale);
                for (var c = 0; c < d; c++)
                {
                    maxError = Math.Max(maxError, Math.Abs(o[c] - expected[c]));
                }
            }
        }

        var detail = string.Create(CultureInfo.InvariantCulture,
            $"max absolute error {maxError:0.##e+0} {(maxError <= Tolerance ? "<=" : ">")} {Tolerance:0e+0} over {rows.Count} rows of {heads.Count} heads against a double-precision reference");
        return maxError <= Tolerance ? VerificationResult.Pass(maxError, detail) : VerificationResult.Fail(maxError, detail);
    }

    public void Dispose()
    {
        foreach (var buffer in _buffers)
        {
            buffer.Dispose();
        }

        _buffers.Clear();
    }

    private AttentionDescriptor Descriptor() => new()
    {
        Batch = _shape.Batch,
        Heads = _shape.Heads,
        QueryLength = _shape.Sequence,
        KeyLength = _shape.Sequence,
        HeadDim = _shape.HeadDim,
        Causal = _shape.Causal,
    };

    private void RunNaive(IDeviceBuffer scores)
    {
        var ops = _device.Ops;
        var n = _shape.Sequence;
        var d = _shape.HeadDim;
        var heads = _shape.BatchHeads;
        ops.Gemm(
            new GemmDescriptor
            {
                M = n,
                N = n,
                K = d,
                TransposeB = true,
                Alpha = 1f / MathF.Sqrt(d),
                BatchCount = heads,
                StrideA = (long)n * d,
                StrideB = (long)n * d,
                StrideC = (long)n * n,
            },
            _q,
            _k,
            scores);
        if (_shape.Causal)
        {
            ops.CausalMask(scores, heads, n, n, 0);
        }

        ops.Softmax(scores, scores, heads * n, n);
        ops.Gemm(
            new GemmDescriptor
            {
                M = n,
                N = d,
                K = n,
                BatchCount = heads,
                StrideA = (long)n * n,
                StrideB = (long)n * d,
                StrideC = (long)n * d,
            },
            scores,
            _v,
            _o);
    }

    private IDeviceBuffer Allocate(long elements)
    {
        var buffer = _device.Allocate(elements);
        _buffers.Add(buffer);
        return buffer;
    }

    private void Fill(IDeviceBuffer buffer, ulong stream, float scale)
    {
        var chunk = new float[(int)Math.Min(FillChunk, buffer.Length)];
        for (long start = 0; start < buffer.Length; start += chunk.Length)
        {
            var span = chunk.AsSpan(0, (int)Math.Min(chunk.Length, buffer.Length - start));
            SeededValues.Fill(stream, start, span, scale);
            _device.Write<float>(buffer, span, start);
        }
    }
}
