using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Workloads.FineTune;

/// <summary>
/// A GPT-style decoder on one device, with everything one optimizer step needs: token and position embeddings,
/// <see cref="TransformerBlock"/>s, a final layer norm, an untied LM head, the batch, and the workspace. All buffers
/// live in one <see cref="DeviceArena"/>, which the owner disposes.
/// </summary>
internal sealed class TransformerModel
{
    private const float Beta1 = 0.9f;
    private const float Beta2 = 0.999f;
    private const float AdamEpsilon = 1e-8f;
    private const float WeightDecay = 0.01f;

    private readonly DeviceArena _arena;
    private readonly ITensorOps _ops;
    private readonly StepWorkspace _workspace;
    private readonly ParameterTensor _tokenEmbedding;
    private readonly ParameterTensor _positionEmbedding;
    private readonly TransformerBlock[] _blocks;
    private readonly LayerNormLayer _finalNorm;
    private readonly LinearLayer _head;
    private readonly IDeviceBuffer[] _residuals;
    private readonly IDeviceBuffer _finalNormed;
    private readonly IDeviceBuffer _logits;
    private readonly IDeviceBuffer _logitsGradient;
    private readonly IDeviceBuffer _losses;
    private readonly IDeviceBuffer _lossSum;
    private readonly IDeviceBuffer _ids;
    private readonly IDeviceBuffer _positions;
    private readonly IDeviceBuffer _targets;
    private readonly float[] _lossScratch = new float[1];
    private int _step;

    public TransformerModel(DeviceArena arena, FineTuneConfig config, bool perturbedInitialization)
    {
        _arena = arena;
        _ops = arena.Ops;
        Config = config;
        var init = new ParameterInitializer(config.Seed, perturbedInitialization);
        var full = config.Mode == FineTuneMode.Full;
        int t = config.Tokens, d = config.DModel;
        var td = (long)t * d;

        _workspace = new StepWorkspace(arena, config);
        _tokenEmbedding = ParameterTensor.Create(arena, "token_embedding", init.Normal((long)config.Vocab * d, 1.0), full, gradientAccumulates: true);
        _positionEmbedding = ParameterTensor.Create(arena, "position_embedding", init.Normal((long)config.Seq * d, 1.0), full, gradientAccumulates: true);
        _blocks = new TransformerBlock[config.Layers];
        for (var i = 0; i < _blocks.Length; i++)
        {
            _blocks[i] = new TransformerBlock(arena, init, config, _workspace, i);
        }

        _finalNorm = LayerNormLayer.Create(arena, init, "final_norm", t, d, full);
        _head = LinearLayer.Create(arena, init, "head", t, d, config.Vocab, 1.0 / Math.Sqrt(d), bias: false, full, rank: 0, loraScale: 0);

        _residuals = new IDeviceBuffer[config.Layers + 1];
        for (var i = 0; i < _residuals.Length; i++)
        {
            _residuals[i] = arena.Allocate(td);
        }

        _finalNormed = arena.Allocate(td);
        _logits = arena.Allocate((long)t * config.Vocab);
        _logitsGradient = arena.Allocate((long)t * config.Vocab);
        _losses = arena.Allocate(t);
        _lossSum = arena.Allocate(1);
        _ids = arena.Allocate(t, DataType.Int32);
        _positions = arena.Allocate(t, DataType.Int32);
        _targets = arena.Allocate(t, DataType.Int32);

        Parameters = [_tokenEmbedding, _positionEmbedding, .. _blocks.SelectMany(b => b.Parameters), .. _finalNorm.Parameters, .. _head.Parameters];
        Trainable = Parameters.Where(p => p.Trainable).ToArray();
        ZeroedEachStep = Trainable.Where(p => p.GradientAccumulates).ToArray();
    }

    public FineTuneConfig Config { get; }

    /// <summary>Every parameter tensor, frozen ones included.</summary>
    public IReadOnlyList<ParameterTensor> Parameters { get; }

    public IReadOnlyList<ParameterTensor> Trainable { get; }

    /// <summary>Elements in trainable tensors, counted from what was allocated.</summary>
    public long TrainableParameterCount => Trainable.Sum(p => p.Length);

    /// <summary>Elements in all parameter tensors.</summary>
    public long ParameterCount => Parameters.Sum(p => p.Length);

    private IReadOnlyList<ParameterTensor> ZeroedEachStep { get; }

    /// <summary>Uploads a batch: token ids, their targets and positions (B × S each).</summary>
    public void SetBatch(SyntheticTokens batch)
    {
        _arena.Device.Write<int>(_ids, batch.Ids);
        _arena.Device.Write<int>(_targets, batch.Targets);
        _arena.Device.Write<int>(_positions, batch.Positions);
    }

    /// <summary>
    /// One optimizer step: forward, cross-entropy, backward, AdamW on every trainable tensor. Returns the mean loss of
    /// the forward pass (before the update).
    /// </summary>
    public double Step()
    {
        Forward();
        _ops.Sum(_losses, _lossSum, Config.Tokens);
        Backward();
        Update();
        _arena.Device.Read<float>(_lossSum, _lossScratch);
        return _lossScratch[0] / Config.Tokens;
    }

    /// <summary>The mean loss of a forward pass, summed in double on the host (for finite differences).</summary>
    public double Loss()
    {
        Forward();
        var losses = new float[Config.Tokens];
        _arena.Device.Read<float>(_losses, losses);
        var sum = 0.0;
        foreach (var l in losses)
        {
            sum += l;
        }

        return sum / losses.Length;
    }

    /// <summary>Forward and backward without an update: leaves the gradients of the current parameters in place.</summary>
    public void ComputeGradients()
    {
        Forward();
        Backward();
    }

    private void Forward()
    {
        var x = _residuals[0];
        _ops.EmbeddingGather(_tokenEmbedding.Value, _ids, x, Config.Tokens, Config.DModel);
        _ops.EmbeddingGather(_positionEmbedding.Value, _positions, _workspace.Tokens, Config.Tokens, Config.DModel);
        _ops.Elementwise(ElementwiseOp.Add, x, _workspace.Tokens, x, (long)Config.Tokens * Config.DModel);
        for (var i = 0; i < _blocks.Length; i++)
        {
            _blocks[i].Forward(_residuals[i], _residuals[i + 1]);
        }

        _finalNorm.Forward(_residuals[^1], _finalNormed);
        _head.Forward(_finalNormed, _logits);
        _ops.CrossEntropy(_logits, _targets, _losses, _logitsGradient, Config.Tokens, Config.Vocab);
    }

    private void Backward()
    {
        foreach (var p in ZeroedEachStep)
        {
            _ops.Fill(p.Gradient!, 0f, 0, p.Length);
        }

        var ws = _workspace;
        if (ws.DiscardGain is not null && ws.DiscardShift is not null)
        {
            // Frozen norms' gradients are discarded; resetting them keeps the sums from growing without bound.
            _ops.Fill(ws.DiscardGain, 0f, 0, Config.DModel);
            _ops.Fill(ws.DiscardShift, 0f, 0, Config.DModel);
        }

        _head.Backward(_finalNormed, _logitsGradient, ws.ResidualGradientB, accumulateDx: false, du: null);
        _finalNorm.Backward(_residuals[^1], ws.ResidualGradientB, ws.ResidualGradientA, ws.DiscardGain, ws.DiscardShift);
        var gradient = ws.ResidualGradientA;
        var other = ws.ResidualGradientB;
        for (var i = _blocks.Length - 1; i >= 0; i--)
        {
            _blocks[i].Backward(_residuals[i], gradient, other);
            (gradient, other) = (other, gradient);
        }

        if (_tokenEmbedding.Gradient is not null && _positionEmbedding.Gradient is not null)
        {
            _ops.EmbeddingBackward(_ids, gradient, _tokenEmbedding.Gradient, Config.Tokens, Config.DModel);
            _ops.EmbeddingBackward(_positions, gradient, _positionEmbedding.Gradient, Config.Tokens, Config.DModel);
        }
    }

    private void Update()
    {
        _step++;
        var hyper = new AdamWParameters((float)Config.LearningRate, Beta1, Beta2, AdamEpsilon, WeightDecay, _step);
        foreach (var p in Trainable)
        {
            _ops.AdamW(p.Value, p.Gradient!, p.FirstMoment!, p.SecondMoment!, p.Length, hyper);
        }
    }
}
