using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Workloads;

namespace AiProfiler.Workloads.FineTune;

/// <summary>A model and its batch on one device; each <see cref="Run"/> is one optimizer step.</summary>
internal sealed class PreparedFineTune : IPreparedWorkload
{
    private readonly IDevice _device;
    private readonly DeviceArena _arena;
    private readonly TransformerModel _model;
    private readonly FineTuneConfig _config;
    private double _lastLoss;
    private bool _hasRun;

    public PreparedFineTune(IDevice device, DeviceArena arena, TransformerModel model)
    {
        _device = device;
        _arena = arena;
        _model = model;
        _config = model.Config;
        Cost = new WorkloadCost(_config.Flops, _config.Bytes, _config.Tokens, "tokens");
    }

    public string Shape => _config.Shape;

    public WorkloadCost Cost { get; }

    public string Implementation => _device.Ops.GemmImplementation;

    /// <summary>Bytes of every buffer the step holds; nothing more is allocated while it runs.</summary>
    public long PeakMemoryBytes => _arena.AllocatedBytes;

    public void Run(IterationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.CancellationToken.ThrowIfCancellationRequested();
        _lastLoss = _model.Step();
        _hasRun = true;
        context.Record("loss", _lastLoss);
        context.Record("trainable_parameters", _model.TrainableParameterCount);
        context.Record("peak_memory_bytes", PeakMemoryBytes);
    }

    /// <summary>
    /// Checks the step's mathematics on the same device with dedicated small models of the same mode: gradients
    /// against finite differences, then the loss falling on a learnable task; and that the measured steps' loss is finite.
    /// </summary>
    public VerificationResult Verify()
    {
        if (_hasRun && !double.IsFinite(_lastLoss))
        {
            return VerificationResult.Fail(_lastLoss, $"the measured step's loss is {_lastLoss}; lower lr or check the device's results");
        }

        var gradients = GradientCheck.Run(_device, _config.Mode);
        if (!gradients.Passed)
        {
            return gradients;
        }

        var descent = LossDescentCheck.Run(_device, _config.Mode);
        var detail = gradients.Detail + "; " + descent.Detail;
        return descent.Passed ? VerificationResult.Pass(gradients.MaxError, detail) : VerificationResult.Fail(gradients.MaxError, detail);
    }

    public void Dispose() => _arena.Dispose();
}
