using AiProfiler.Abstractions.Devices;
using AiProfiler.Workloads.Inference.Llama;

namespace AiProfiler.Workloads.Inference;

/// <summary>
/// A GPT-2-style decoder on one device, written only against <see cref="ITensorOps"/>: pre-LayerNorm blocks with
/// causal multi-head attention and a GELU MLP, a final LayerNorm and an LM head tied to the token embedding. K and V
/// live in a per-layer cache <c>[B, H, C, d]</c>. Seeded and safetensors weights are fp32 <c>[in, out]</c> and go through
/// <see cref="ITensorOps.Gemm"/>; a GGUF file's stay in their stored types (fp16 to Q4_K) and go through
/// <see cref="ITensorOps.LinearWeights"/>, with c_attn split into Q, K and V matrices at load.
/// </summary>
internal sealed class GptDecoder : IDecoder
{

    private readonly IDevice _device;
    private readonly ITensorOps _ops;
    private readonly ModelConfig _config;
    private readonly List<IDeviceBuffer> _owned = [];
    private readonly Dictionary<string, IDeviceBuffer> _weights = new(StringComparer.Ordinal);
    private readonly LayerWeights[] _layers;
    private readonly IDeviceBuffer[] _keys;
    private readonly IDeviceBuffer[] _values;
    private readonly IDeviceBuffer _x;
    private readonly IDeviceBuffer _h;
    private readonly IDeviceBuffer _q;
    private readonly IDeviceBuffer _attention;
    private readonly IDeviceBuffer _mlp;
    private readonly IDeviceBuffer _mean;
    private readonly IDeviceBuffer _rstd;
    private readonly IDeviceBuffer _ones;
    private readonly IDeviceBuffer _identity;
    private readonly IDeviceBuffer _ids;
    private readonly IDeviceBuffer _positions;
    private readonly IDeviceBuffer _selected;
    private readonly IDeviceBuffer _logits;
    private readonly IDeviceBuffer _head;
    private readonly bool _stored;
    private readonly int[] _hostPositions;
    private readonly int _logitRows;
    private readonly int _batch;

    private GptDecoder(IDevice device, InferenceSettings settings, IWeightSource? weights, GgufGptWeights? file)
    {
        _device = device;
        _ops = device.Ops;
        _config = settings.Config;
        var c = _config;
        var rows = InferenceCostModel.ActivationRows(settings);
        _logitRows = InferenceCostModel.LogitRows(settings);
        _batch = settings.Batch;
        _hostPositions = new int[rows];
        _layers = new LayerWeights[c.Layers];
        _keys = new IDeviceBuffer[c.Layers];
        _values = new IDeviceBuffer[c.Layers];
        _stored = file is not null;
        try
        {
            SplitQkv[]? splits = null;
            if (file is not null)
            {
                (splits, var bytes) = GptStoredWeights.Load(device, _config, file, _weights, Allocate);
                WeightBytes = bytes;
            }
            else if (weights is not null)
            {
                foreach (var spec in GptTensors.For(c))
                {
                    var host = weights.Load(spec);
                    var buffer = Allocate(host.Length);
                    _device.Write<float>(buffer, host);
                    _weights[spec.Name] = buffer;
                }
            }

            // A GGUF file's untied output head is among the weights; otherwise the head is the token embedding.
            _head = _weights.GetValueOrDefault(GptStoredWeights.OutputHead) ?? _weights[GptTensors.TokenEmbedding];
            for (var l = 0; l < c.Layers; l++)
            {
                _layers[l] = new LayerWeights(
                    _weights[GptTensors.Norm1Gain(l)],
                    _weights[GptTensors.Norm1Bias(l)],
                    _weights[GptTensors.QkvWeight(l)],
                    _weights[GptTensors.QkvBias(l)],
                    _weights[GptTensors.ProjectionWeight(l)],
                    _weights[GptTensors.ProjectionBias(l)],
                    _weights[GptTensors.Norm2Gain(l)],
                    _weights[GptTensors.Norm2Bias(l)],
                    _weights[GptTensors.MlpUpWeight(l)],
                    _weights[GptTensors.MlpUpBias(l)],
                    _weights[GptTensors.MlpDownWeight(l)],
                    _weights[GptTensors.MlpDownBias(l)]) { Split = splits?[l] };
                _keys[l] = Allocate(InferenceCostModel.CacheElements(settings));
                _values[l] = Allocate(InferenceCostModel.CacheElements(settings));
            }

            var width = (long)rows * c.DModel;
            _x = Allocate(width);
            _h = Allocate(width);
            _q = Allocate(width);
            _attention = Allocate(width);
            _mlp = Allocate(4 * width);
            _mean = Allocate(rows);
            _rstd = Allocate(rows);
            _ones = Allocate(rows);
            _ids = Allocate(rows, DataType.Int32);
            _positions = Allocate(rows, DataType.Int32);
            _selected = Allocate(_logitRows, DataType.Int32);
            _logits = Allocate((long)_logitRows * c.Vocab);
            _identity = Allocate((long)_batch * _batch);
            _ops.Fill(_ones, 1f, 0, rows);
            for (var i = 0; i < _batch; i++)
            {
                _ops.Fill(_identity, 1f, ((long)i * _batch) + i, 1);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Rows of logits one <see cref="Logits"/> call can compute.</summary>
    public int LogitRows => _logitRows;

    /// <summary>
    /// Bytes of the weights as the device holds them, but the position table (one row per token is read): what a
    /// forward pass reads. Null for fp32 weights, which the cost model counts from the shape.
    /// </summary>
    public double? WeightBytes { get; }

    public IReadOnlyCollection<DataType> WeightTypes => _weights.Values.Select(w => w.Type).Distinct().ToArray();

    /// <summary>Uploads fp32 weights and allocates the cache and activations for <paramref name="settings"/>.</summary>
    public static GptDecoder Create(IDevice device, InferenceSettings settings, IWeightSource weights) => new(device, settings, weights, null);

    /// <summary>Uploads a GGUF file's weights in their stored types and allocates the cache and activations.</summary>
    public static GptDecoder Create(IDevice device, InferenceSettings settings, GgufGptWeights file) => new(device, settings, null, file);

    /// <summary>
    /// Runs <paramref name="sequences"/> prompts of <paramref name="length"/> tokens (row-major, one sequence after
    /// another) through the model from position 0, filling the first rows of those sequences' caches.
    /// </summary>
    public void Prefill(ReadOnlySpan<int> tokens, int sequences, int length) => Forward(tokens, sequences, length, 0);

    /// <summary>Runs one token per sequence at <paramref name="position"/>, attending to the cached positions before it.</summary>
    public void Decode(ReadOnlySpan<int> tokens, int position) => Forward(tokens, tokens.Length, 1, position);

    /// <summary>
    /// The logits of the given rows of the last forward pass (row <c>b·length + t</c> is token t of sequence b) into
    /// <paramref name="destination"/> (rows × V), through the final LayerNorm and the tied LM head.
    /// </summary>
    public void Logits(ReadOnlySpan<int> rows, Span<float> destination)
    {
        var d = _config.DModel;
        var count = rows.Length;
        _device.Write(_selected, rows);
        _ops.EmbeddingGather(_x, _selected, _h, count, d);
        _ops.LayerNorm(_h, _weights[GptTensors.FinalNormGain], _weights[GptTensors.FinalNormBias], _q, _mean, _rstd, count, d, _config.NormEpsilon);
        if (_stored)
        {
            _ops.LinearWeights(_q, _head, _logits, count, _config.Vocab, d, 0f);
        }
        else
        {
            _ops.Gemm(new GemmDescriptor { M = count, N = _config.Vocab, K = d, TransposeB = true }, _q, _head, _logits);
        }

        _device.Read<float>(_logits, destination[..(count * _config.Vocab)]);
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
        var d = _config.DModel;
        var rows = sequences * length;
        for (var r = 0; r < rows; r++)
        {
            _hostPositions[r] = start + (r % length);
        }

        _device.Write(_ids, tokens[..rows]);
        _device.Write<int>(_positions, _hostPositions.AsSpan(0, rows));
        _ops.EmbeddingGather(_weights[GptTensors.TokenEmbedding], _ids, _x, rows, d);
        _ops.EmbeddingGather(_weights[GptTensors.PositionEmbedding], _positions, _h, rows, d);
        _ops.Elementwise(ElementwiseOp.Add, _x, _h, _x, (long)rows * d);
        for (var l = 0; l < _config.Layers; l++)
        {
            Block(l, sequences, length, start);
        }
    }

    private void Block(int l, int sequences, int length, int start)
    {
        var w = _layers[l];
        var d = _config.DModel;
        var rows = sequences * length;
        _ops.LayerNorm(_x, w.Norm1Gain, w.Norm1Bias, _h, _mean, _rstd, rows, d, _config.NormEpsilon);

        if (w.Split is { } split)
        {
            ProjectSplit(w, split, l, sequences, length, start);
        }
        else if (length == 1)
        {
            ProjectOneToken(w, l, sequences, start);
        }
        else
        {
            // Q is the first third of c_attn's output columns; K and V go straight into the cache.
            _ops.Gemm(new GemmDescriptor { M = rows, N = d, K = d, LdB = 3 * d }, _h, w.QkvWeight, _q);
            _ops.AddBias(_q, w.QkvBias, rows, d);
            ProjectIntoCache(w, d, _keys[l], sequences, length, start);
            ProjectIntoCache(w, 2 * d, _values[l], sequences, length, start);
        }

        var attention = new AttentionDescriptor
        {
            Batch = sequences,
            Heads = _config.Heads,
            QueryLength = length,
            KeyLength = start + length,
            KeyCapacity = _config.Context,
            HeadDim = _config.HeadDim,
            Causal = true,
        };
        IDeviceBuffer context;
        if (length == 1)
        {
            // One token per sequence: [B, 1, H, d] already is the [B, H, 1, d] head layout.
            _ops.Attention(attention, _q, _keys[l], _values[l], _attention);
            context = _attention;
        }
        else
        {
            _ops.SwapAxes(_q, _h, sequences, length, _config.Heads, _config.HeadDim);
            _ops.Attention(attention, _h, _keys[l], _values[l], _attention);
            _ops.SwapAxes(_attention, _q, sequences, _config.Heads, length, _config.HeadDim);
            context = _q;
        }

        // Residual adds ride on the GEMMs: x = x + context·W (Beta 1), then the bias.
        Linear(context, w.ProjectionWeight, _x, rows, d, d, 1f);
        _ops.AddBias(_x, w.ProjectionBias, rows, d);

        _ops.LayerNorm(_x, w.Norm2Gain, w.Norm2Bias, _h, _mean, _rstd, rows, d, _config.NormEpsilon);
        Linear(_h, w.MlpUpWeight, _mlp, rows, 4 * d, d, 0f);
        _ops.AddBias(_mlp, w.MlpUpBias, rows, 4 * d);
        _ops.Activation(ActivationKind.Gelu, _mlp, _mlp, 4L * rows * d);
        Linear(_mlp, w.MlpDownWeight, _x, rows, d, 4 * d, 1f);
        _ops.AddBias(_x, w.MlpDownBias, rows, d);
    }

    /// <summary><c>y = x·W + beta·y</c>: fp32 <c>[in, out]</c> weights by GEMM, stored-type <c>[out, in]</c> ones by LinearWeights.</summary>
    private void Linear(IDeviceBuffer x, IDeviceBuffer weights, IDeviceBuffer y, int rows, int outputs, int inputs, float beta)
    {
        if (_stored)
        {
            _ops.LinearWeights(x, weights, y, rows, outputs, inputs, beta);
        }
        else
        {
            _ops.Gemm(new GemmDescriptor { M = rows, N = outputs, K = inputs, Beta = beta }, x, weights, y);
        }
    }

    /// <summary>
    /// Stored-type weights: Q, K and V each by LinearWeights plus bias (Q into <c>_q</c>, K and V through free
    /// activation buffers), then K and V rows <c>[B, length, H, d]</c> into the cache <c>[B, H, C, d]</c> at
    /// <paramref name="start"/>: heads first (one SwapAxes; a single token already has them), then one contiguous copy
    /// per (sequence, head).
    /// </summary>
    private void ProjectSplit(LayerWeights w, SplitQkv split, int layer, int sequences, int length, int start)
    {
        var d = _config.DModel;
        var rows = sequences * length;
        _ops.LinearWeights(_h, w.QkvWeight, _q, rows, d, d, 0f);
        _ops.AddBias(_q, w.QkvBias, rows, d);
        _ops.LinearWeights(_h, split.Key, _attention, rows, d, d, 0f);
        _ops.AddBias(_attention, split.KeyBias, rows, d);
        _ops.LinearWeights(_h, split.Value, _mlp, rows, d, d, 0f);
        _ops.AddBias(_mlp, split.ValueBias, rows, d);
        foreach (var (projected, cache) in new[] { (_attention, _keys[layer]), (_mlp, _values[layer]) })
        {
            var source = projected;
            if (length > 1)
            {
                _ops.SwapAxes(projected, _h, sequences, length, _config.Heads, _config.HeadDim);
                source = _h;
            }

            var run = (long)length * _config.HeadDim;
            for (var head = 0; head < sequences * _config.Heads; head++)
            {
                _ops.Copy(source, head * run, cache, (((long)head * _config.Context) + start) * _config.HeadDim, run);
            }
        }
    }


    /// <summary>
    /// Decode: one GEMM reads all of c_attn contiguously (a weight read by head-sized column slices streams far slower
    /// from DRAM) into [B, 3D]; then GEMMs against a B×B identity move the rows where attention wants them: Q packed
    /// [B, H, 1, d], and K and V, batched over the heads, into cache slot [b, head, position, :] (row stride H·C·d,
    /// head stride C·d). Each moved value is 1·x plus zeros, exact in fp32, and it takes one call per tensor instead
    /// of B·H copies. A single sequence takes the copies instead.
    /// </summary>
    private void ProjectOneToken(LayerWeights w, int layer, int sequences, int position)
    {
        var d = _config.DModel;
        var headDim = _config.HeadDim;
        var qkv = _mlp;
        var slots = (long)_config.Context * headDim;
        _ops.Gemm(new GemmDescriptor { M = sequences, N = 3 * d, K = d }, _h, w.QkvWeight, qkv);
        _ops.AddBias(qkv, w.QkvBias, sequences, 3 * d);
        if (sequences == 1)
        {
            // One sequence: plain copies (Q is already packed, K and V are one head-sized run per head), cheaper than
            // the identity GEMMs' per-call work at this size.
            _ops.Copy(qkv, 0, _q, 0, d);
            for (var head = 0; head < _config.Heads; head++)
            {
                var slot = (head * slots) + ((long)position * headDim);
                _ops.Copy(qkv, d + ((long)head * headDim), _keys[layer], slot, headDim);
                _ops.Copy(qkv, (2 * d) + ((long)head * headDim), _values[layer], slot, headDim);
            }

            return;
        }

        _ops.Gemm(new GemmDescriptor { M = sequences, N = d, K = sequences, LdA = _batch, LdB = 3 * d }, _identity, qkv, _q);
        var move = new GemmDescriptor
        {
            M = sequences,
            N = headDim,
            K = sequences,
            LdA = _batch,
            LdB = 3 * d,
            StrideB = headDim,
            LdC = checked((int)(_config.Heads * slots)),
            OffsetC = (long)position * headDim,
            StrideC = slots,
            BatchCount = _config.Heads,
        };
        _ops.Gemm(move with { OffsetB = d }, _identity, qkv, _keys[layer]);
        _ops.Gemm(move with { OffsetB = 2 * d }, _identity, qkv, _values[layer]);
    }

    /// <summary>
    /// Prefill: K (or V) = h·W[:, column..column+D] + b of each sequence's tokens straight into cache rows
    /// [b, head, start.., :] with one GEMM per sequence, batched over the heads (head i's columns land at stride C·d,
    /// consecutive tokens at stride d). The bias follows as a rank-1 update, ones·b, accumulated into the same slots.
    /// </summary>
    private void ProjectIntoCache(LayerWeights w, int column, IDeviceBuffer cache, int sequences, int length, int start)
    {
        var d = _config.DModel;
        var headDim = _config.HeadDim;
        var heads = _config.Heads;
        var slots = (long)_config.Context * headDim;
        for (var sequence = 0; sequence < sequences; sequence++)
        {
            var product = new GemmDescriptor
            {
                M = length,
                N = headDim,
                K = d,
                OffsetA = (long)sequence * length * d,
                LdB = 3 * d,
                OffsetB = column,
                StrideB = headDim,
                LdC = headDim,
                OffsetC = ((long)sequence * heads * slots) + ((long)start * headDim),
                StrideC = slots,
                BatchCount = heads,
            };
            _ops.Gemm(product, _h, w.QkvWeight, cache);
            var bias = product with { K = 1, OffsetA = 0, LdB = 0, Beta = 1f };
            _ops.Gemm(bias, _ones, w.QkvBias, cache);
        }
    }

    private IDeviceBuffer Allocate(long elements, DataType type = DataType.Float32)
    {
        var buffer = _device.Allocate(elements, type);
        _owned.Add(buffer);
        return buffer;
    }
}
