namespace AiProfiler.Workloads.Inference;

/// <summary>Supplies the model's tensors one at a time, so loading never holds more than one tensor on the host.</summary>
internal interface IWeightSource : IDisposable
{
    /// <summary>Where the weights come from, for the shape line: <c>seeded(1234)</c> or a file name.</summary>
    string Description { get; }

    /// <summary>The tensor as fp32, in its checkpoint layout.</summary>
    float[] Load(TensorSpec spec);
}
