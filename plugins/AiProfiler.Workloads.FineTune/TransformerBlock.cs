using System.Globalization;
using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Workloads.FineTune;

/// <summary>
/// A pre-norm GPT-style block: x1 = x + Wo·attn(LN1(x)) with causal multi-head attention, then
/// x2 = x1 + W2·GELU(W1·LN2(x1)). Attention is the naive form (scores materialized) because its backward pass needs
/// the probabilities P: dV = Pᵀ·dO, dP = dO·Vᵀ, dS = softmax′(P, dP), dQ = s·dS·K, dK = s·dSᵀ·Q.
/// </summary>
internal sealed class TransformerBlock
{
    private readonly ITensorOps _ops;
    private readonly FineTuneConfig _config;
    private readonly StepWorkspace _workspace;
    private readonly LayerNormLayer _norm1;
    private readonly LinearLayer _query;
    private readonly LinearLayer _key;
    private readonly LinearLayer _value;
    private readonly LinearLayer _projection;
    private readonly LayerNormLayer _norm2;
    private readonly LinearLayer _up;
    private readonly LinearLayer _down;

    // Activations kept from the forward pass for the backward pass.
    private readonly IDeviceBuffer _normed1;
    private readonly IDeviceBuffer _queryHeads;
    private readonly IDeviceBuffer _keyHeads;
    private readonly IDeviceBuffer _valueHeads;
    private readonly IDeviceBuffer _probabilities;
    private readonly IDeviceBuffer _attentionOutput;
    private readonly IDeviceBuffer _residualMid;
    private readonly IDeviceBuffer _normed2;
    private readonly IDeviceBuffer _preActivation;
    private readonly IDeviceBuffer _activation;

    public TransformerBlock(DeviceArena arena, ParameterInitializer init, FineTuneConfig config, StepWorkspace workspace, int index)
    {
        _ops = arena.Ops;
        _config = config;
        _workspace = workspace;
        var name = "block" + index.ToString(CultureInfo.InvariantCulture);
        var full = config.Mode == FineTuneMode.Full;
        var rank = full ? 0 : config.Rank;
        int t = config.Tokens, d = config.DModel, f = config.Hidden;
        var inStd = 1.0 / Math.Sqrt(d);

        // Projections into the residual stream are scaled down by √(2L), as in GPT-2, so the stream's variance stays
        // near that of the embeddings however deep the stack is.
        var residualScale = 1.0 / Math.Sqrt(2.0 * config.Layers);
        _norm1 = LayerNormLayer.Create(arena, init, name + ".ln1", t, d, full);
        _query = LinearLayer.Create(arena, init, name + ".q", t, d, d, inStd, bias: true, full, rank, config.LoraScale);
        _key = LinearLayer.Create(arena, init, name + ".k", t, d, d, inStd, bias: true, full, rank, config.LoraScale);
        _value = LinearLayer.Create(arena, init, name + ".v", t, d, d, inStd, bias: true, full, rank, config.LoraScale);
        _projection = LinearLayer.Create(arena, init, name + ".o", t, d, d, inStd * residualScale, bias: true, full, rank, config.LoraScale);
        _norm2 = LayerNormLayer.Create(arena, init, name + ".ln2", t, d, full);
        _up = LinearLayer.Create(arena, init, name + ".fc1", t, d, f, inStd, bias: true, full, rank, config.LoraScale);
        _down = LinearLayer.Create(arena, init, name + ".fc2", t, f, d, residualScale / Math.Sqrt(f), bias: true, full, rank, config.LoraScale);

        long td = (long)t * d, tf = (long)t * f;
        _normed1 = arena.Allocate(td);
        _queryHeads = arena.Allocate(td);
        _keyHeads = arena.Allocate(td);
        _valueHeads = arena.Allocate(td);
        _probabilities = arena.Allocate(config.ScoreElements);
        _attentionOutput = arena.Allocate(td);
        _residualMid = arena.Allocate(td);
        _normed2 = arena.Allocate(td);
        _preActivation = arena.Allocate(tf);
        _activation = arena.Allocate(tf);
    }

    public IEnumerable<ParameterTensor> Parameters =>
        _norm1.Parameters
            .Concat(_query.Parameters).Concat(_key.Parameters).Concat(_value.Parameters).Concat(_projection.Parameters)
            .Concat(_norm2.Parameters)
            .Concat(_up.Parameters).Concat(_down.Parameters);

    private int HeadRows => _config.Batch * _config.Heads;

    private float Scale => 1f / MathF.Sqrt(_config.HeadDim);

    public void Forward(IDeviceBuffer x, IDeviceBuffer output)
    {
        var ws = _workspace;
        _norm1.Forward(x, _normed1);
        Project(_query, _queryHeads);
        Project(_key, _keyHeads);
        Project(_value, _valueHeads);

        // P = softmax(mask(s·Q·Kᵀ)) per (batch, head), then O = P·V.
        _ops.Gemm(SlicesToScores(Scale), _queryHeads, _keyHeads, _probabilities);
        _ops.CausalMask(_probabilities, HeadRows, _config.Seq, _config.Seq, 0);
        _ops.Softmax(_probabilities, _probabilities, HeadRows * _config.Seq, _config.Seq);
        _ops.Gemm(ScoresTimesSlice(transposeScores: false, 1f), _probabilities, _valueHeads, ws.HeadsA);
        _ops.SwapAxes(ws.HeadsA, _attentionOutput, _config.Batch, _config.Heads, _config.Seq, _config.HeadDim);
        _projection.Forward(_attentionOutput, ws.Tokens);
        _ops.Elementwise(ElementwiseOp.Add, x, ws.Tokens, _residualMid, TokenElements);

        _norm2.Forward(_residualMid, _normed2);
        _up.Forward(_normed2, _preActivation);
        _ops.Activation(ActivationKind.Gelu, _preActivation, _activation, HiddenElements);
        _down.Forward(_activation, ws.Tokens);
        _ops.Elementwise(ElementwiseOp.Add, _residualMid, ws.Tokens, output, TokenElements);
    }

    /// <summary>Given dL/d(output), accumulates parameter gradients and writes dL/dx into <paramref name="inputGradient"/>.</summary>
    public void Backward(IDeviceBuffer x, IDeviceBuffer outputGradient, IDeviceBuffer inputGradient)
    {
        var ws = _workspace;
        var du = ws.AdapterGradient;

        _down.Backward(_activation, outputGradient, ws.HiddenGradient, accumulateDx: false, du);
        _ops.ActivationBackward(ActivationKind.Gelu, _preActivation, ws.HiddenGradient, ws.PreActivationGradient, HiddenElements);
        _up.Backward(_normed2, ws.PreActivationGradient, ws.Gradient, accumulateDx: false, du);
        _norm2.Backward(_residualMid, ws.Gradient, ws.NormInputGradient, ws.DiscardGain, ws.DiscardShift);
        _ops.Elementwise(ElementwiseOp.Add, outputGradient, ws.NormInputGradient, ws.MidGradient, TokenElements);

        _projection.Backward(_attentionOutput, ws.MidGradient, ws.Tokens, accumulateDx: false, du);
        _ops.SwapAxes(ws.Tokens, ws.HeadsA, _config.Batch, _config.Seq, _config.Heads, _config.HeadDim);
        _ops.Gemm(SlicesToScores(1f), ws.HeadsA, _valueHeads, ws.ScoresGradient);
        _ops.Gemm(ScoresTimesSlice(transposeScores: true, 1f), _probabilities, ws.HeadsA, ws.HeadsB);
        Unproject(_value, ws.Gradient, accumulate: false);

        // Masked entries have P = 0, so dS is 0 there and the mask needs no backward step.
        _ops.SoftmaxBackward(_probabilities, ws.ScoresGradient, ws.LogitsGradient, HeadRows * _config.Seq, _config.Seq);
        _ops.Gemm(ScoresTimesSlice(transposeScores: false, Scale), ws.LogitsGradient, _keyHeads, ws.HeadsB);
        Unproject(_query, ws.Gradient, accumulate: true);
        _ops.Gemm(ScoresTimesSlice(transposeScores: true, Scale), ws.LogitsGradient, _queryHeads, ws.HeadsB);
        Unproject(_key, ws.Gradient, accumulate: true);

        _norm1.Backward(x, ws.Gradient, ws.NormInputGradient, ws.DiscardGain, ws.DiscardShift);
        _ops.Elementwise(ElementwiseOp.Add, ws.MidGradient, ws.NormInputGradient, inputGradient, TokenElements);
    }

    private long TokenElements => (long)_config.Tokens * _config.DModel;

    private long HiddenElements => (long)_config.Tokens * _config.Hidden;

    /// <summary>q/k/v projection of the normed input, split into heads [B, H, S, d].</summary>
    private void Project(LinearLayer layer, IDeviceBuffer heads)
    {
        layer.Forward(_normed1, _workspace.Tokens);
        _ops.SwapAxes(_workspace.Tokens, heads, _config.Batch, _config.Seq, _config.Heads, _config.HeadDim);
    }

    /// <summary>Merges the head-layout gradient in HeadsB back to tokens and runs the projection's backward pass.</summary>
    private void Unproject(LinearLayer layer, IDeviceBuffer normedGradient, bool accumulate)
    {
        _ops.SwapAxes(_workspace.HeadsB, _workspace.Tokens, _config.Batch, _config.Heads, _config.Seq, _config.HeadDim);
        layer.Backward(_normed1, _workspace.Tokens, normedGradient, accumulate, _workspace.AdapterGradient);
    }

    /// <summary>Per (batch, head): C (S × S) = alpha·X·Yᵀ for head slices X, Y (S × d).</summary>
    private GemmDescriptor SlicesToScores(float alpha) => new()
    {
        M = _config.Seq,
        N = _config.Seq,
        K = _config.HeadDim,
        TransposeB = true,
        Alpha = alpha,
        BatchCount = HeadRows,
        StrideA = SliceElements,
        StrideB = SliceElements,
        StrideC = ScoreMatrixElements,
    };

    /// <summary>Per (batch, head): C (S × d) = alpha·op(P)·X for a score matrix P (S × S) and a head slice X (S × d).</summary>
    private GemmDescriptor ScoresTimesSlice(bool transposeScores, float alpha) => new()
    {
        M = _config.Seq,
        N = _config.HeadDim,
        K = _config.Seq,
        TransposeA = transposeScores,
        Alpha = alpha,
        BatchCount = HeadRows,
        StrideA = ScoreMatrixElements,
        StrideB = SliceElements,
        StrideC = SliceElements,
    };

    private long SliceElements => (long)_config.Seq * _config.HeadDim;

    private long ScoreMatrixElements => (long)_config.Seq * _config.Seq;
}
