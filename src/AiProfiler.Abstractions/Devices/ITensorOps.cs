namespace AiProfiler.Abstractions.Devices;

/// <summary>
/// The tensor operations the bundled workloads (GEMM, attention, a fine-tuning step, batched inference) are written
/// against. Every backend implements all of them with the same semantics, so a workload is written once and runs on
/// <c>cpu</c>, <c>opencl:N</c> and <c>cuda:N</c>. All matrices are row-major; all buffers are fp32 unless stated;
/// "rows × cols" buffers are packed. Outputs may not alias inputs unless stated. Operations are queued in order.
/// </summary>
public interface ITensorOps
{
    /// <summary>Whether <see cref="Gemm"/> accepts buffers of <paramref name="type"/> on this device.</summary>
    bool SupportsGemm(DataType type);

    /// <summary>The GEMM implementation in use, e.g. <c>simd</c>, <c>openblas</c>, <c>clblast</c>, <c>tiled-kernel</c>, <c>cublas</c>.</summary>
    string GemmImplementation { get; }

    /// <summary>(Strided, batched) GEMM; see <see cref="GemmDescriptor"/>. Throws <see cref="NotSupportedException"/> for an unsupported type.</summary>
    void Gemm(in GemmDescriptor gemm, IDeviceBuffer a, IDeviceBuffer b, IDeviceBuffer c);

    /// <summary>Whether <see cref="LinearWeights"/> and <see cref="EmbeddingGather"/> accept weights of <paramref name="type"/> on this device.</summary>
    bool SupportsWeights(DataType type);

    /// <summary>
    /// A linear layer against stored weights: <c>y[r, n] = Σ_k x[r, k]·W[n, k] + beta·y[r, n]</c> for
    /// <paramref name="rows"/> rows of fp32 activations x (rows × inputs) into fp32 y (rows × outputs). W is
    /// outputs × inputs, row-major, in its own type: fp32, fp16, bf16, or ggml blocks (each row of W is
    /// inputs / <see cref="DataTypeExtensions.BlockValues"/> blocks, the layout of a GGUF tensor with
    /// <c>ne = [inputs, outputs]</c>, and of a Hugging Face <c>nn.Linear</c> weight). The products are summed in
    /// fp32; a backend may round x to its weight type's activation format (documented by the backend) but the result
    /// stays within the accuracy of the weights. With beta 0, y's contents are ignored, even NaN. Throws
    /// <see cref="NotSupportedException"/> for a type outside <see cref="SupportsWeights"/>.
    /// </summary>
    void LinearWeights(IDeviceBuffer x, IDeviceBuffer weights, IDeviceBuffer y, int rows, int outputs, int inputs, float beta);

    /// <summary>
    /// The format <see cref="LinearWeights"/> rounds x to, on some path, before multiplying it with weights of
    /// <paramref name="weightType"/>: <see cref="DataType.Float32"/> when x is used as is; <see cref="DataType.Float16"/>
    /// or <see cref="DataType.BFloat16"/> when x is rounded to the weights' half type (cuBLAS with half inputs, at
    /// prefill sizes); <see cref="DataType.Q8_0"/> when x is quantized to int8 per block of 32 (the CPU with ggml block
    /// weights). A verification that compares two paths (cached decode against a recompute) widens its tolerance by it.
    /// </summary>
    DataType LinearInputType(DataType weightType) => DataType.Float32;

    /// <summary>
    /// Rotary position embedding in place on x, <paramref name="rows"/> × <paramref name="heads"/> × <paramref name="headDim"/>:
    /// pair i of each head (i &lt; headDim/2) is rotated by the angle <c>positions[r]·frequencies[i]</c>
    /// (<paramref name="positions"/> Int32 per row, <paramref name="frequencies"/> fp32 headDim/2 radians per position).
    /// <paramref name="interleaved"/> pairs elements (2i, 2i+1), as GGUF <c>llama</c> files store Q and K (ggml's
    /// "normal" rope); otherwise (i, i + headDim/2), as Hugging Face checkpoints and Qwen2 do (NeoX style).
    /// </summary>
    void Rotary(IDeviceBuffer x, IDeviceBuffer positions, IDeviceBuffer frequencies, int rows, int heads, int headDim, bool interleaved);

    /// <summary>Row-wise softmax: <c>y[r,:] = exp(x[r,:] − max) / Σ exp(x[r,:] − max)</c>. −∞ inputs give 0. y may alias x.</summary>
    void Softmax(IDeviceBuffer x, IDeviceBuffer y, int rows, int cols);

    /// <summary>Softmax backward from its output: <c>dx[r,c] = y[r,c]·(dy[r,c] − Σ_j dy[r,j]·y[r,j])</c>.</summary>
    void SoftmaxBackward(IDeviceBuffer y, IDeviceBuffer dy, IDeviceBuffer dx, int rows, int cols);

    /// <summary>
    /// Sets <c>scores[b, i, j] = −∞</c> where <c>j &gt; offset + i</c>, for <paramref name="batches"/> matrices of
    /// rows × cols (a causal mask before softmax).
    /// </summary>
    void CausalMask(IDeviceBuffer scores, int batches, int rows, int cols, int offset);

    /// <summary>
    /// Layer normalization per row: <c>y = (x − μ)·rstd·γ + β</c> with biased variance; writes μ and rstd
    /// (<c>1/√(σ²+eps)</c>) per row (rows elements each) for the backward pass.
    /// </summary>
    void LayerNorm(IDeviceBuffer x, IDeviceBuffer gamma, IDeviceBuffer beta, IDeviceBuffer y, IDeviceBuffer mean, IDeviceBuffer rstd, int rows, int cols, float epsilon);

    /// <summary>
    /// Layer-norm backward. Writes dx (rows × cols); <b>accumulates</b> into dγ and dβ (cols each):
    /// <c>dγ += Σ_r dy·x̂</c>, <c>dβ += Σ_r dy</c>, and
    /// <c>dx = rstd·(dy·γ − mean_c(dy·γ) − x̂·mean_c(dy·γ·x̂))</c> with <c>x̂ = (x − μ)·rstd</c>.
    /// </summary>
    void LayerNormBackward(IDeviceBuffer x, IDeviceBuffer gamma, IDeviceBuffer mean, IDeviceBuffer rstd, IDeviceBuffer dy, IDeviceBuffer dx, IDeviceBuffer dgamma, IDeviceBuffer dbeta, int rows, int cols);

    /// <summary>RMS normalization per row: <c>y = x·rstd·γ</c> with <c>rstd = 1/√(mean(x²)+eps)</c>; writes rstd per row.</summary>
    void RmsNorm(IDeviceBuffer x, IDeviceBuffer gamma, IDeviceBuffer y, IDeviceBuffer rstd, int rows, int cols, float epsilon);

    /// <summary>
    /// RMS-norm backward. Writes dx; <b>accumulates</b> into dγ (<c>dγ += Σ_r dy·x·rstd</c>);
    /// <c>dx = rstd·(dy·γ − x·rstd²·mean_c(dy·γ·x))</c>.
    /// </summary>
    void RmsNormBackward(IDeviceBuffer x, IDeviceBuffer gamma, IDeviceBuffer rstd, IDeviceBuffer dy, IDeviceBuffer dx, IDeviceBuffer dgamma, int rows, int cols);

    /// <summary>Element-wise activation <c>y = f(x)</c> over <paramref name="count"/> elements; y may alias x.</summary>
    void Activation(ActivationKind kind, IDeviceBuffer x, IDeviceBuffer y, long count);

    /// <summary>Activation backward from the input: <c>dx = f′(x)·dy</c>.</summary>
    void ActivationBackward(ActivationKind kind, IDeviceBuffer x, IDeviceBuffer dy, IDeviceBuffer dx, long count);

    /// <summary><c>y[i] = a[i] op b[i]</c>; y may alias a or b.</summary>
    void Elementwise(ElementwiseOp op, IDeviceBuffer a, IDeviceBuffer b, IDeviceBuffer y, long count);

    /// <summary><c>y[i] = alpha·x[i] + beta·y[i]</c> (scale, accumulate, copy with beta 0).</summary>
    void Axpby(float alpha, IDeviceBuffer x, float beta, IDeviceBuffer y, long count);

    /// <summary>In place: <c>x[r,c] += bias[c]</c>.</summary>
    void AddBias(IDeviceBuffer x, IDeviceBuffer bias, int rows, int cols);

    /// <summary>Column sums, <b>accumulated</b>: <c>y[c] += Σ_r x[r,c]</c> (bias gradients).</summary>
    void SumColumns(IDeviceBuffer x, IDeviceBuffer y, int rows, int cols);

    /// <summary>Sum of all elements into <c>result[0]</c> (overwritten).</summary>
    void Sum(IDeviceBuffer x, IDeviceBuffer result, long count);

    /// <summary>
    /// Gathers rows: <c>y[i,:] = table[ids[i],:]</c>; <paramref name="ids"/> is <see cref="DataType.Int32"/>; ids outside
    /// the table give zeros. The table may hold any weight type of <see cref="SupportsWeights"/> (rows of
    /// <paramref name="dim"/> values, decoded to fp32), so a quantized token embedding is never expanded in memory.
    /// </summary>
    void EmbeddingGather(IDeviceBuffer table, IDeviceBuffer ids, IDeviceBuffer y, int count, int dim);

    /// <summary>Scatter-add backward of <see cref="EmbeddingGather"/>: <c>dtable[ids[i],:] += dy[i,:]</c> (repeated ids add up).</summary>
    void EmbeddingBackward(IDeviceBuffer ids, IDeviceBuffer dy, IDeviceBuffer dtable, int count, int dim);

    /// <summary>
    /// Softmax cross-entropy per row against Int32 <paramref name="targets"/>: <c>losses[r] = −log softmax(logits[r])[t_r]</c>,
    /// and the gradient of the <b>mean</b> loss, <c>dlogits[r,:] = (softmax(logits[r]) − onehot(t_r)) / rows</c>.
    /// A target outside <c>[0, cols)</c> marks a row to ignore: its loss and its gradient are 0 (rows still divides).
    /// </summary>
    void CrossEntropy(IDeviceBuffer logits, IDeviceBuffer targets, IDeviceBuffer losses, IDeviceBuffer dlogits, int rows, int cols);

    /// <summary>One AdamW update of <paramref name="count"/> parameters in place (p, m, v updated).</summary>
    void AdamW(IDeviceBuffer parameters, IDeviceBuffer gradients, IDeviceBuffer m, IDeviceBuffer v, long count, in AdamWParameters hyper);

    /// <summary>
    /// Fused attention (tiled, online softmax; the scores matrix is never materialized, memory O(rows)):
    /// <c>O = softmax(scale·Q·Kᵀ + mask)·V</c>; see <see cref="AttentionDescriptor"/> for layouts.
    /// </summary>
    void Attention(in AttentionDescriptor attention, IDeviceBuffer q, IDeviceBuffer k, IDeviceBuffer v, IDeviceBuffer o);

    /// <summary>
    /// Swaps the two middle axes of a <c>[batch, dim1, dim2, inner]</c> tensor into <c>[batch, dim2, dim1, inner]</c>
    /// (splitting <c>[B, N, H·d]</c> into heads <c>[B, H, N, d]</c>, and back with the dims exchanged).
    /// </summary>
    void SwapAxes(IDeviceBuffer x, IDeviceBuffer y, int batch, int dim1, int dim2, int inner);

    /// <summary>Copies <paramref name="count"/> elements (same type) between buffers of this device.</summary>
    void Copy(IDeviceBuffer source, long sourceOffset, IDeviceBuffer destination, long destinationOffset, long count);

    /// <summary>Sets <paramref name="count"/> elements from <paramref name="offset"/> to <paramref name="value"/>.</summary>
    void Fill(IDeviceBuffer buffer, float value, long offset, long count);

    /// <summary>
    /// Converts fp32 <paramref name="source"/> to <paramref name="destination"/>'s type (fp16 or bf16, round to nearest
    /// even) or back, for <paramref name="count"/> elements.
    /// </summary>
    void Convert(IDeviceBuffer source, IDeviceBuffer destination, long count);
}
