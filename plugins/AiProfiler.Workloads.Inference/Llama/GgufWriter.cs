using System.Text;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Workloads.Inference.Llama;

/// <summary>
/// Writes GGUF v3 files the way llama.cpp's converter lays them out: metadata, tensor infos with dimensions innermost
/// first, data aligned to 32 bytes; <c>llama</c> files get Q and K rows permuted for interleaved rotary pairs. The tests
/// and bench/llama-cpp write seeded models with it, so aiprofiler and llama.cpp read the very same file.
/// </summary>
internal static class GgufWriter
{
    /// <summary>
    /// Writes <paramref name="config"/>'s tensors from <paramref name="weights"/>; <paramref name="typeOf"/> may store a
    /// tensor in another type than the weights' precision (a Q4_K_M-style mix); <paramref name="tamper"/> edits the
    /// metadata and tensor list before writing (tests of malformed files).
    /// </summary>
    public static void WriteModel(string path, LlamaConfig config, SeededLlamaWeights weights, Action<Dictionary<string, object>, List<(string Name, long[] Shape, uint Type, byte[] Data)>>? tamper = null, Func<TensorSpec, DataType?>? typeOf = null)
    {
        var metadata = new Dictionary<string, object>
        {
            ["general.architecture"] = config.Architecture,
            [$"{config.Architecture}.block_count"] = (uint)config.Layers,
            [$"{config.Architecture}.embedding_length"] = (uint)config.DModel,
            [$"{config.Architecture}.feed_forward_length"] = (uint)config.FeedForward,
            [$"{config.Architecture}.attention.head_count"] = (uint)config.Heads,
            [$"{config.Architecture}.attention.head_count_kv"] = (uint)config.KeyHeads,
            [$"{config.Architecture}.context_length"] = (uint)config.Context,
            [$"{config.Architecture}.vocab_size"] = (uint)config.Vocab,
            [$"{config.Architecture}.rope.freq_base"] = (float)config.RopeTheta,
            [$"{config.Architecture}.attention.layer_norm_rms_epsilon"] = config.NormEpsilon,
        };
        var tensors = new List<(string Name, long[] Shape, uint Type, byte[] Data)>();
        foreach (var spec in LlamaTensors.For(config))
        {
            var tensor = typeOf?.Invoke(spec) is { } type ? weights.Load(spec, type) : weights.Load(spec);
            var data = tensor.Bytes.ToArray();
            if (config.Architecture == "llama" && (spec.Name.EndsWith("attn_q.weight", StringComparison.Ordinal) || spec.Name.EndsWith("attn_k.weight", StringComparison.Ordinal)))
            {
                data = Permute(data, spec.Shape[0], spec.Name.EndsWith("attn_q.weight", StringComparison.Ordinal) ? config.Heads : config.KeyHeads);
            }

            tensors.Add((spec.Name, spec.Shape.Select(d => (long)d).ToArray(), GgmlType(tensor.Type), data));
        }

        if (config.RopeScaling is { IsLinear: true } linear)
        {
            metadata[$"{config.Architecture}.rope.scaling.type"] = "linear";
            metadata[$"{config.Architecture}.rope.scaling.factor"] = (float)linear.Factor;
        }
        else if (config.RopeScaling is not null)
        {
            // llama.cpp stores Llama 3's scaling as per-pair divisors of the base frequencies.
            var plain = (config with { RopeScaling = null }).RopeFrequencies();
            var scaled = config.RopeFrequencies();
            var factors = plain.Zip(scaled, (p, s) => p / s).ToArray();
            tensors.Add((LlamaTensors.RopeFactors, [factors.Length], 0, QuantizedBlocks.Quantize(DataType.Float32, factors)));
        }

        tamper?.Invoke(metadata, tensors);
        Write(path, metadata, tensors);
    }

    /// <summary>
    /// Writes a GPT-2 model as llama.cpp's converter does (architecture <c>gpt2</c>, Conv1D matrices transposed to
    /// <c>[out, in]</c>, c_attn kept fused as <c>attn_qkv</c>, no <c>output</c>: tied) from <paramref name="weights"/>,
    /// matrices and the token embedding stored in <paramref name="matrixType"/>.
    /// </summary>
    public static void WriteGpt2(string path, ModelConfig config, IWeightSource weights, DataType matrixType, Action<Dictionary<string, object>, List<(string Name, long[] Shape, uint Type, byte[] Data)>>? tamper = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(weights);
        var metadata = new Dictionary<string, object>
        {
            ["general.architecture"] = "gpt2",
            ["gpt2.block_count"] = (uint)config.Layers,
            ["gpt2.context_length"] = (uint)config.Context,
            ["gpt2.embedding_length"] = (uint)config.DModel,
            ["gpt2.feed_forward_length"] = (uint)(4 * config.DModel),
            ["gpt2.attention.head_count"] = (uint)config.Heads,
            ["gpt2.attention.layer_norm_epsilon"] = config.NormEpsilon,
        };
        var tensors = new List<(string Name, long[] Shape, uint Type, byte[] Data)>();
        foreach (var spec in GptTensors.For(config))
        {
            var (shape, type, data) = StoredGpt2(spec, weights.Load(spec), matrixType);
            tensors.Add((GptTensors.GgufName(spec.Name), shape, GgmlType(type), data));
        }

        tamper?.Invoke(metadata, tensors);
        Write(path, metadata, tensors);
    }

    /// <summary>
    /// A GPT-2 tensor as a GGUF file stores it: Conv1D matrices transposed to <c>[out, in]</c>; matrices and the token
    /// embedding in <paramref name="matrixType"/>, the position table, norms and biases in F32.
    /// </summary>
    public static (long[] Shape, DataType Type, byte[] Data) StoredGpt2(TensorSpec spec, float[] values, DataType matrixType)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(values);
        var shape = GptTensors.GgufShape(spec);
        if (GptTensors.IsConv1D(spec))
        {
            var transposed = new float[values.Length];
            for (var i = 0; i < spec.Shape[0]; i++)
            {
                for (var o = 0; o < spec.Shape[1]; o++)
                {
                    transposed[((long)o * spec.Shape[0]) + i] = values[((long)i * spec.Shape[1]) + o];
                }
            }

            values = transposed;
        }

        var type = GptTensors.IsConv1D(spec) || spec.Role == TensorRole.TokenEmbedding ? matrixType : DataType.Float32;
        return (shape.Select(d => (long)d).ToArray(), type, QuantizedBlocks.Quantize(type, values));
    }

    public static uint GgmlType(DataType type) => type switch
    {
        DataType.Float32 => 0,
        DataType.Float16 => 1,
        DataType.Q4_0 => 2,
        DataType.Q8_0 => 8,
        DataType.Q4_K => 12,
        DataType.Q6_K => 14,
        _ => 30,
    };

    /// <summary>Row (h, s, i) of a [heads·d, in] matrix moves to (h, i, s): the NeoX pair (i, i + d/2) becomes (2i, 2i+1).</summary>
    private static byte[] Permute(byte[] data, int rows, int heads)
    {
        var rowBytes = data.Length / rows;
        var headDim = rows / heads;
        var result = new byte[data.Length];
        for (var h = 0; h < heads; h++)
        {
            for (var s = 0; s < 2; s++)
            {
                for (var i = 0; i < headDim / 2; i++)
                {
                    var from = (h * headDim) + (s * headDim / 2) + i;
                    var to = (h * headDim) + (2 * i) + s;
                    Array.Copy(data, from * rowBytes, result, to * rowBytes, rowBytes);
                }
            }
        }

        return result;
    }

    private static void Write(string path, Dictionary<string, object> metadata, List<(string Name, long[] Shape, uint Type, byte[] Data)> tensors)
    {
        using var stream = File.Create(path);
        using var w = new BinaryWriter(stream);
        w.Write(0x46554747u);
        w.Write(3u);
        w.Write((ulong)tensors.Count);
        w.Write((ulong)metadata.Count);
        foreach (var (key, value) in metadata)
        {
            WriteString(w, key);
            switch (value)
            {
                case string text:
                    w.Write(8u);
                    WriteString(w, text);
                    break;
                case uint number:
                    w.Write(4u);
                    w.Write(number);
                    break;
                case float number:
                    w.Write(6u);
                    w.Write(number);
                    break;
                case string[] texts:
                    w.Write(9u);
                    w.Write(8u);
                    w.Write((ulong)texts.Length);
                    foreach (var item in texts)
                    {
                        WriteString(w, item);
                    }

                    break;
                case float[] numbers:
                    w.Write(9u);
                    w.Write(6u);
                    w.Write((ulong)numbers.Length);
                    foreach (var item in numbers)
                    {
                        w.Write(item);
                    }

                    break;
                case int[] numbers:
                    w.Write(9u);
                    w.Write(5u);
                    w.Write((ulong)numbers.Length);
                    foreach (var item in numbers)
                    {
                        w.Write(item);
                    }

                    break;
            }
        }

        ulong offset = 0;
        var offsets = new List<ulong>();
        foreach (var (name, shape, type, data) in tensors)
        {
            WriteString(w, name);
            w.Write((uint)shape.Length);
            foreach (var dim in shape.Reverse())
            {
                w.Write((ulong)dim);
            }

            w.Write(type);
            w.Write(offset);
            offsets.Add(offset);
            offset += ((ulong)data.Length + 31) / 32 * 32;
        }

        Pad(w);
        var start = stream.Position;
        for (var i = 0; i < tensors.Count; i++)
        {
            stream.Position = start + (long)offsets[i];
            w.Write(tensors[i].Data);
        }

        Pad(w);
    }

    private static void Pad(BinaryWriter w)
    {
        while (w.BaseStream.Position % 32 != 0)
        {
            w.Write((byte)0);
        }
    }

    private static void WriteString(BinaryWriter w, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }
}
