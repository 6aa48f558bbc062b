namespace AiProfiler.Core.Advice;

/// <summary>
/// Prefill and decode times of one model at one precision on one device. Prefill is GEMM-bound (FLOPs over the
/// calibrated GEMM rate) unless streaming the weights takes longer; a decode step is bandwidth-bound (weights touched
/// over the calibrated decode bandwidth in the weights' precision, plus the batch's KV cache) unless its FLOPs take
/// longer. Both add what the bandwidth and FLOPs miss, each from its own calibrated figure: the fixed cost of every
/// weight- or cache-streaming call and of every small operation the forward pass issues (<see cref="ForwardOperations"/>),
/// and reading the logits back to the host.
/// </summary>
internal sealed class InferencePredictor(ModelArchitecture model, WeightPrecision precision, DeviceRates rates)
{
    private readonly double _matmulPerToken = ModelArithmetic.MatmulParametersPerToken(model);
    private readonly double _lmHead = (double)model.Vocab * model.DModel;
    private readonly double _kvPerToken = ModelArithmetic.KvBytesPerToken(model, precision.KvBytes);
    private readonly double _activationBytesPerToken = ForwardOperations.PrefillActivationValues(model) * (double)sizeof(float);

    public DeviceRates Rates => rates;

    public double WeightBytes => ModelArithmetic.TotalParameters(model) * precision.BytesPerWeight;

    /// <summary>
    /// Prefill of <paramref name="batch"/> prompts of <paramref name="prompt"/> tokens: every prompt token goes through
    /// the blocks, causal attention sees on average half the prompt, and only the last token of each needs logits. The
    /// GEMM rate is the one for that many rows (<see cref="DeviceRates.GemmFlopsPerSecondAt"/>): the batch's prompt
    /// tokens go through each weight together. Attention's FLOPs go at the attention call's own rate, which on a GPU
    /// is a small fraction of the GEMM's. The activations each token takes through the small operations between the
    /// GEMMs (<see cref="ForwardOperations.PrefillActivationValues"/>) go at the calibrated element-wise rate.
    /// </summary>
    public double PrefillSeconds(int batch, int prompt)
    {
        var tokens = (double)batch * prompt;
        var gemm = (2 * (_matmulPerToken - _lmHead) * tokens) + (2 * _lmHead * batch);
        var attention = tokens * ModelArithmetic.AttentionFlopsPerToken(model, prompt / 2.0);
        var gemmRate = rates.GemmFlopsPerSecondAt(batch * prompt);
        var compute = (gemm / gemmRate) + (attention / (rates.AttentionFlopsPerSecond > 0 ? rates.AttentionFlopsPerSecond : gemmRate));
        var bytes = (ModelArithmetic.MatmulParametersPerStep(model, batch * prompt) * precision.BytesPerWeight) + (tokens * _kvPerToken);
        var activations = rates.ElementwiseBytesPerSecond > 0 ? tokens * _activationBytesPerToken / rates.ElementwiseBytesPerSecond : 0;
        return Math.Max(compute, bytes / rates.DecodeBytesPerSecond) + activations + FixedSeconds(batch, prompt);
    }

    /// <summary>One decode step for <paramref name="batch"/> sequences whose caches hold <paramref name="context"/> tokens.</summary>
    public (double Seconds, bool ComputeBound) DecodeStep(int batch, double context)
    {
        var weights = ModelArithmetic.MatmulParametersPerStep(model, batch) * precision.BytesPerWeight;
        var flops = batch * ((2 * _matmulPerToken) + ModelArithmetic.AttentionFlopsPerToken(model, context));
        var memory = (weights / rates.DecodeBytesPerSecond) + (batch * context * _kvPerToken / rates.CacheBytesPerSecond);
        var compute = flops / rates.GemmFlopsPerSecond;
        return (Math.Max(memory, compute) + FixedSeconds(batch, 1), compute > memory);
    }

    /// <summary>
    /// What one forward pass of <paramref name="length"/> tokens per sequence costs beyond its bytes and FLOPs: each
    /// streaming call and small operation at its calibrated cost, and the <paramref name="batch"/> rows of fp32 logits
    /// read back to the host for sampling.
    /// </summary>
    public double FixedSeconds(int batch, int length)
    {
        var operations = ForwardOperations.Count(model, batch, length);
        var logits = rates.DeviceToHostBytesPerSecond > 0 ? batch * (double)model.Vocab * sizeof(float) / rates.DeviceToHostBytesPerSecond : 0;
        return (operations.Calls * rates.CallSeconds) + (operations.SmallOps * rates.OpSeconds) + logits;
    }

    /// <summary>Bytes for the weights, the KV cache of <paramref name="concurrency"/> full requests, and one prefill's activations.</summary>
    public MemoryFit Memory(int concurrency, int prompt, int output, long available)
    {
        var kv = (long)(concurrency * (double)(prompt + output) * _kvPerToken);
        // One layer's prefill working set at a time: the residual stream, the FFN's widest activation, the attention output, and the logits of the last tokens.
        var activations = (long)((((double)prompt * ((4.0 * model.DModel) + ((model.GatedFfn ? 2.0 : 1.0) * model.FfnDim))) + ((double)concurrency * model.Vocab)) * 4);
        return new MemoryFit((long)WeightBytes, kv, 0, 0, activations, available);
    }

    /// <summary>
    /// Serving <paramref name="concurrency"/> requests at once with continuous batching, in steady state: a decode step
    /// runs the whole batch at the mean context (prompt + half the output); each other request's prefill interrupts
    /// decode once per its output, adding (c − 1)/output prefills to every step; a new request waits at most one step
    /// before its prefill.
    /// </summary>
    public (double Ttft, double Tpot, bool ComputeBound) Serve(int concurrency, int prompt, int output)
    {
        var prefill = PrefillSeconds(1, prompt);
        var (step, computeBound) = DecodeStep(concurrency, prompt + (output / 2.0));
        var tpot = step + ((concurrency - 1.0) / Math.Max(1, output) * prefill);
        return (prefill + step, tpot, computeBound);
    }
}
