using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Workloads.Inference.Llama;

/// <summary>
/// A Llama-family decoder on one device, written only against <see cref="ITensorOps"/>: RMSNorm pre-norm blocks,
/// rotary grouped-query attention (Qwen2: with Q, K, V biases) and a SwiGLU MLP, a final RMSNorm and the output head.
/// Weights stay in their stored type and enter through <see cref="ITensorOps.LinearWeights"/>; activations are fp32.
/// K and V live in a per-layer cache <c>[B, Hkv, capacity, d]</c>.
/// </summary>
internal sealed class LlamaDecoder : IDecoder
{
    private readonly IDevice _device;
    private readonly ITensorOps _ops;
    private readonly LlamaConfig _config;
    private readonly bool _interleaved;
    private readonly int _capacity;
    private readonly List<IDeviceBuffer> _owned = [];
    private readonly Dictionary<string, IDeviceBuffer> _weights = new(StringComparer.Ordinal);
    private readonly IDeviceBuffer[] _keys;
    private readonly IDeviceBuffer[] _values;
    private readonly IDeviceBuffer _x;
    private readonly IDeviceBuffer _h;
    private readonly IDeviceBuffer _q;
    private readonly IDeviceBuffer _k;
    private readonly IDeviceBuffer _v;
    private readonly IDeviceBuffer _heads;
    private readonly IDeviceBuffer _attention;
    private readonly IDeviceBuffer _gate;
    private readonly IDeviceBuffer _up;
    private readonly IDeviceBuffer _rstd;
    private readonly IDeviceBuffer _ids;
    private readonly IDeviceBuffer _positions;
    private readonly IDeviceBuffer _frequencies;
    private readonly IDeviceBuffer _selected;
    private readonly IDeviceBuffer _logits;
    private readonly int[] _hostPositions;

    private LlamaDecoder(IDevice device, LlamaConfig config, int batch, int rows, int capacity, int logitRows, ILlamaWeightSource weights)
    {
        _device = device;
        _ops = device.Ops;
        _config = config;
        _interleaved = weights.InterleavedRope;
        _capacity = capacity;
        LogitRows = logitRows;
        _hostPositions = new int[rows];
        _keys = new IDeviceBuffer[config.Layers];
        _values = new IDeviceBuffer[config.Layers];
        try
        {
            foreach (var spec in LlamaTensors.For(config))
            {
                var tensor = weights.Load(spec);
                if (!_ops.SupportsWeights(tensor.Type))
                {
                    throw new NotSupportedException($"tensor '{spec.Name}' is {tensor.Type.ShortName()}, which device '{device.Info.Id}' cannot multiply; choose another precision or device");
                }

                // Norms and biases are added and multiplied element-wise, so they are widened to fp32 once.
                var stored = LlamaTensors.IsMatrix(spec) || tensor.Type == DataType.Float32;
                var buffer = stored ? WeightUpload.Stored(device, tensor, Allocate) : WeightUpload.Widened(device, tensor, spec.Elements, Allocate);
                WeightBytes += stored ? tensor.Bytes.Length : spec.Elements * sizeof(float);
                _weights[spec.Name] = buffer;
            }

            var cache = (long)batch * config.KeyHeads * capacity * config.HeadDim;
            for (var l = 0; l < config.Layers; l++)
            {
                _keys[l] = Allocate(cache);
                _values[l] = Allocate(cache);
            }

            _x = Allocate((long)rows * config.DModel);
            _h = Allocate((long)rows * Math.Max(config.DModel, config.QueryWidth));
            _q = Allocate((long)rows * config.QueryWidth);
            _k = Allocate((long)rows * config.KeyWidth);
            _v = Allocate((long)rows * config.KeyWidth);
            _heads = Allocate((long)rows * Math.Max(config.QueryWidth, config.KeyWidth));
            _attention = Allocate((long)rows * config.QueryWidth);
            _gate = Allocate((long)rows * config.FeedForward);
            _up = Allocate((long)rows * config.FeedForward);
            _rstd = Allocate(rows);
            _ids = Allocate(rows, DataType.Int32);
            _positions = Allocate(rows, DataType.Int32);
            _selected = Allocate(logitRows, DataType.Int32);
            _logits = Allocate((long)logitRows * config.Vocab);
            _frequencies = Allocate(config.HeadDim / 2);
            _device.Write<float>(_frequencies, config.RopeFrequencies(weights.RopeFactors()));
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public int LogitRows { get; }

    /// <summary>
    /// Bytes of the weights as the device holds them (matrices as stored in the source, Q8_0 or Q4_K included; norms
    /// widened to fp32): what every forward pass reads, whatever the <c>precision</c> parameter said.
    /// </summary>
    public double WeightBytes { get; }

    public IReadOnlyCollection<DataType> WeightTypes => _weights.Values.Select(w => w.Type).Distinct().ToArray();

    /// <summary>Uploads the weights and allocates a cache of <paramref name="capacity"/> positions per sequence.</summary>
    public static LlamaDecoder Create(IDevice device, LlamaConfig config, int batch, int rows, int capacity, int logitRows, ILlamaWeightSource weights) =>
        new(device, config, batch, rows, capacity, logitRows, weights);

    public void Prefill(ReadOnlySpan<int> tokens, int sequences, int length) => Forward(tokens, sequences, length, 0);

    public void Decode(ReadOnlySpan<int> tokens, int position) => Forward(tokens, tokens.Length, 1, position);

    public void Logits(ReadOnlySpan<int> rows, Span<float> destination)
    {
        var c = _config;
        var count = rows.Length;
        _device.Write(_selected, rows);
        _ops.EmbeddingGather(_x, _selected, _h, count, c.DModel);
        _ops.RmsNorm(_h, _weights[LlamaTensors.OutputNorm], _q, _rstd, count, c.DModel, c.NormEpsilon);
        var head = _weights[c.TiedHead ? LlamaTensors.TokenEmbedding : LlamaTensors.Output];
        _ops.LinearWeights(_q, head, _logits, count, c.Vocab, c.DModel, 0f);
        _device.Read<float>(_logits, destination[..(count * c.Vocab)]);
    }

    public void Dispose()
    {
        foreach (var buffer in _owned)
        {
            buffer.Dispose();
        }

        _owned.Clear();
    }

    private void Forward(ReadOnlySpan<int> tokens, int sequences, int length, int start)
    {
        var rows = sequences * length;
        for (var r = 0; r < rows; r++)
        {
            _hostPositions[r] = start + (r % length);
        }

        _device.Write(_ids, tokens[..rows]);
        _device.Write<int>(_positions, _hostPositions.AsSpan(0, rows));
        _ops.EmbeddingGather(_weights[LlamaTensors.TokenEmbedding], _ids, _x, rows, _config.DModel);
        for (var l = 0; l < _config.Layers; l++)
        {
            Block(l, sequences, length, start);
        }
    }

    private void Block(int l, int sequences, int length, int start)
    {
        var c = _config;
        var d = c.DModel;
        var rows = sequences * length;
        _ops.RmsNorm(_x, _weights[LlamaTensors.AttentionNorm(l)], _h, _rstd, rows, d, c.NormEpsilon);
        _ops.LinearWeights(_h, _weights[LlamaTensors.Query(l)], _q, rows, c.QueryWidth, d, 0f);
        _ops.LinearWeights(_h, _weights[LlamaTensors.Key(l)], _k, rows, c.KeyWidth, d, 0f);
        _ops.LinearWeights(_h, _weights[LlamaTensors.Value(l)], _v, rows, c.KeyWidth, d, 0f);
        if (c.QkvBias)
        {
            _ops.AddBias(_q, _weights[LlamaTensors.QueryBias(l)], rows, c.QueryWidth);
            _ops.AddBias(_k, _weights[LlamaTensors.KeyBias(l)], rows, c.KeyWidth);
            _ops.AddBias(_v, _weights[LlamaTensors.ValueBias(l)], rows, c.KeyWidth);
        }

        _ops.Rotary(_q, _positions, _frequencies, rows, c.Heads, c.HeadDim, _interleaved);
        _ops.Rotary(_k, _positions, _frequencies, rows, c.KeyHeads, c.HeadDim, _interleaved);
        IntoCache(_k, _keys[l], sequences, length, start);
        IntoCache(_v, _values[l], sequences, length, start);

        var attention = new AttentionDescriptor
        {
            Batch = sequences,
            Heads = c.Heads,
            KeyHeads = c.KeyHeads,
            QueryLength = length,
            KeyLength = start + length,
            KeyCapacity = _capacity,
            HeadDim = c.HeadDim,
            Causal = true,
        };
        if (length == 1)
        {
            // One token per sequence: [B, 1, H, d] already is the [B, H, 1, d] head layout.
            _ops.Attention(attention, _q, _keys[l], _values[l], _attention);
            _ops.LinearWeights(_attention, _weights[LlamaTensors.AttentionOutput(l)], _x, rows, d, c.QueryWidth, 1f);
        }
        else
        {
            _ops.SwapAxes(_q, _heads, sequences, length, c.Heads, c.HeadDim);
            _ops.Attention(attention, _heads, _keys[l], _values[l], _attention);
            _ops.SwapAxes(_attention, _h, sequences, c.Heads, length, c.HeadDim);
            _ops.LinearWeights(_h, _weights[LlamaTensors.AttentionOutput(l)], _x, rows, d, c.QueryWidth, 1f);
        }

        _ops.RmsNorm(_x, _weights[LlamaTensors.FeedForwardNorm(l)], _h, _rstd, rows, d, c.NormEpsilon);
        _ops.LinearWeights(_h, _weights[LlamaTensors.Gate(l)], _gate, rows, c.FeedForward, d, 0f);
        _ops.LinearWeights(_h, _weights[LlamaTensors.Up(l)], _up, rows, c.FeedForward, d, 0f);
        _ops.Activation(ActivationKind.Silu, _gate, _gate, (long)rows * c.FeedForward);
        _ops.Elementwise(ElementwiseOp.Multiply, _gate, _up, _gate, (long)rows * c.FeedForward);
        _ops.LinearWeights(_gate, _weights[LlamaTensors.Down(l)], _x, rows, d, c.FeedForward, 1f);
    }

    /// <summary>
    /// Appends K or V rows <c>[B, length, Hkv, d]</c> to the cache <c>[B, Hkv, capacity, d]</c> at <paramref name="start"/>:
    /// heads first (one SwapAxes; a single token already has them), then one contiguous copy per (sequence, KV head).
    /// </summary>
    private void IntoCache(IDeviceBuffer projected, IDeviceBuffer cache, int sequences, int length, int start)
    {
        var c = _config;
        var source = projected;
        if (length > 1)
        {
            _ops.SwapAxes(projected, _heads, sequences, length, c.KeyHeads, c.HeadDim);
            source = _heads;
        }

        var run = (long)length * c.HeadDim;
        for (var head = 0; head < sequences * c.KeyHeads; head++)
        {
            _ops.Copy(source, head * run, cache, (((long)head * _capacity) + start) * c.HeadDim, run);
        }
    }

    private IDeviceBuffer Allocate(long elements, DataType type = DataType.Float32)
    {
        var buffer = _device.Allocate(elements, type);
        _owned.Add(buffer);
        return buffer;
    }
}
