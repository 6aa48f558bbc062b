using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Workloads.FineTune;

/// <summary>
/// y = x·Wᵀ + b (+ s·(x·Aᵀ)·Bᵀ with a LoRA adapter) over T rows, W stored out × in. The adapter keeps its product
/// u = x·Aᵀ (T × r) for the backward pass.
/// </summary>
internal sealed class LinearLayer
{
    private readonly ITensorOps _ops;
    private readonly int _rows;
    private readonly IDeviceBuffer? _u;
    private readonly float _scale;

    private LinearLayer(ITensorOps ops, int rows, int inputs, int outputs, ParameterTensor weight, ParameterTensor? bias, ParameterTensor? loraA, ParameterTensor? loraB, IDeviceBuffer? u, int rank, float scale)
    {
        _ops = ops;
        _rows = rows;
        Inputs = inputs;
        Outputs = outputs;
        Weight = weight;
        Bias = bias;
        LoraA = loraA;
        LoraB = loraB;
        _u = u;
        Rank = rank;
        _scale = scale;
    }

    public int Inputs { get; }

    public int Outputs { get; }

    public int Rank { get; }

    public ParameterTensor Weight { get; }

    public ParameterTensor? Bias { get; }

    public ParameterTensor? LoraA { get; }

    public ParameterTensor? LoraB { get; }

    public IEnumerable<ParameterTensor> Parameters =>
        new[] { Weight, Bias, LoraA, LoraB }.OfType<ParameterTensor>();

    /// <summary>
    /// Creates the layer. With <paramref name="rank"/> &gt; 0 the base weight and bias are frozen and a trainable
    /// adapter (A uniform in ±1/√in, B zero) is added; otherwise the base is trainable when <paramref name="trainable"/>.
    /// </summary>
    public static LinearLayer Create(DeviceArena arena, ParameterInitializer init, string name, int rows, int inputs, int outputs, double weightStd, bool bias, bool trainable, int rank, float loraScale)
    {
        var lora = rank > 0;
        var weight = ParameterTensor.Create(arena, name + ".weight", init.Normal((long)outputs * inputs, weightStd), trainable && !lora, gradientAccumulates: false);
        var b = bias ? ParameterTensor.Create(arena, name + ".bias", init.Shift(outputs), trainable && !lora, gradientAccumulates: true) : null;
        if (!lora)
        {
            return new LinearLayer(arena.Ops, rows, inputs, outputs, weight, b, null, null, null, 0, 0);
        }

        var a = ParameterTensor.Create(arena, name + ".lora_a", init.Uniform((long)rank * inputs, 1.0 / Math.Sqrt(inputs)), trainable: true, gradientAccumulates: false);
        var bMatrix = ParameterTensor.Create(arena, name + ".lora_b", init.LoraB((long)outputs * rank, rank), trainable: true, gradientAccumulates: false);
        var u = arena.Allocate((long)rows * rank);
        return new LinearLayer(arena.Ops, rows, inputs, outputs, weight, b, a, bMatrix, u, rank, loraScale);
    }

    public void Forward(IDeviceBuffer x, IDeviceBuffer y)
    {
        _ops.Gemm(new GemmDescriptor { M = _rows, N = Outputs, K = Inputs, TransposeB = true }, x, Weight.Value, y);
        if (Bias is not null)
        {
            _ops.AddBias(y, Bias.Value, _rows, Outputs);
        }

        if (LoraA is not null && LoraB is not null && _u is not null)
        {
            _ops.Gemm(new GemmDescriptor { M = _rows, N = Rank, K = Inputs, TransposeB = true }, x, LoraA.Value, _u);
            _ops.Gemm(new GemmDescriptor { M = _rows, N = Outputs, K = Rank, TransposeB = true, Alpha = _scale, Beta = 1 }, _u, LoraB.Value, y);
        }
    }

    /// <summary>
    /// Gradients of the trainable parameters from <paramref name="dy"/>, and dx (overwritten, or added to when
    /// <paramref name="accumulateDx"/>) when <paramref name="dx"/> is given. <paramref name="du"/> is T × r scratch.
    /// </summary>
    public void Backward(IDeviceBuffer x, IDeviceBuffer dy, IDeviceBuffer? dx, bool accumulateDx, IDeviceBuffer? du)
    {
        if (Weight.Gradient is not null)
        {
            _ops.Gemm(new GemmDescriptor { M = Outputs, N = Inputs, K = _rows, TransposeA = true }, dy, x, Weight.Gradient);
        }

        if (Bias?.Gradient is not null)
        {
            _ops.SumColumns(dy, Bias.Gradient, _rows, Outputs);
        }

        if (dx is not null)
        {
            _ops.Gemm(new GemmDescriptor { M = _rows, N = Inputs, K = Outputs, Beta = accumulateDx ? 1 : 0 }, dy, Weight.Value, dx);
        }

        if (LoraA?.Gradient is null || LoraB?.Gradient is null || _u is null)
        {
            return;
        }

        ArgumentNullException.ThrowIfNull(du);
        _ops.Gemm(new GemmDescriptor { M = Outputs, N = Rank, K = _rows, TransposeA = true, Alpha = _scale }, dy, _u, LoraB.Gradient);
        _ops.Gemm(new GemmDescriptor { M = _rows, N = Rank, K = Outputs, Alpha = _scale }, dy, LoraB.Value, du);
        _ops.Gemm(new GemmDescriptor { M = Rank, N = Inputs, K = _rows, TransposeA = true }, du, x, LoraA.Gradient);
        if (dx is not null)
        {
            _ops.Gemm(new GemmDescriptor { M = _rows, N = Inputs, K = Rank, Beta = 1 }, du, LoraA.Value, dx);
        }
    }
}
