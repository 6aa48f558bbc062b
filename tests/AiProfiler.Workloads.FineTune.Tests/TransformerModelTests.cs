using Xunit;

namespace AiProfiler.Workloads.FineTune.Tests;

public sealed class TransformerModelTests
{
    [Fact]
    public void Step_Lora_LeavesEveryBaseWeightUnchangedAndMovesAdapters()
    {
        using var device = TestDevices.Cpu(peakFlopsPerSecond: 1e11);
        using var arena = new DeviceArena(device);
        var config = FineTuneConfig.From(TinyParameters.Create("mode=lora"));
        var model = new TransformerModel(arena, config, perturbedInitialization: false);
        model.SetBatch(new SyntheticTokens(config.Batch, config.Seq, config.Vocab, config.Seed));
        var before = model.Parameters.ToDictionary(p => p.Name, p => Read(device, p));

        model.Step();
        model.Step();

        foreach (var p in model.Parameters)
        {
            if (p.Trainable)
            {
                Assert.NotEqual(before[p.Name], Read(device, p));
            }
            else
            {
                Assert.Equal(before[p.Name], Read(device, p));
            }
        }

        Assert.All(model.Trainable, p => Assert.Contains(".lora_", p.Name, StringComparison.Ordinal));
        Assert.Equal(config.TrainableParameters, model.TrainableParameterCount);
        Assert.Equal(config.TotalParameters, model.ParameterCount);
    }

    [Fact]
    public void Loss_Lora_StartsAtTheFrozenBaseModelLoss()
    {
        using var device = TestDevices.Cpu(peakFlopsPerSecond: 1e11);
        using var arena = new DeviceArena(device);
        var config = FineTuneConfig.From(TinyParameters.Create("mode=lora"));
        var model = new TransformerModel(arena, config, perturbedInitialization: false);
        model.SetBatch(new SyntheticTokens(config.Batch, config.Seq, config.Vocab, config.Seed));
        var withAdapters = model.Loss();

        // B starts at zero, so removing the adapters' A cannot change the output.
        foreach (var a in model.Trainable.Where(p => p.Name.EndsWith(".lora_a", StringComparison.Ordinal)))
        {
            device.Ops.Fill(a.Value, 0f, 0, a.Length);
        }

        Assert.Equal(withAdapters, model.Loss());
    }

    private static float[] Read(AiProfiler.Abstractions.Devices.IDevice device, ParameterTensor p)
    {
        var values = new float[p.Length];
        device.Read<float>(p.Value, values);
        return values;
    }
}
