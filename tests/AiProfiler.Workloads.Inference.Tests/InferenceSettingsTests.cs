using AiProfiler.Abstractions.Parameters;

namespace AiProfiler.Workloads.Inference.Tests;

public sealed class InferenceSettingsTests
{
    private readonly InferenceWorkload _workload = new();

    [Fact]
    public void From_PresetSmall_UsesGpt2SmallShape()
    {
        var settings = Settings(("preset", "small"));

        Assert.Equal(ModelConfig.Small, settings.Config);
        Assert.Equal(124_439_808, settings.Config.ParameterCount);
    }

    [Fact]
    public void From_CustomShape_UsesTheShapeParameters()
    {
        var settings = Settings(("preset", "custom"), ("layers", "3"), ("d_model", "96"), ("heads", "6"), ("vocab", "500"), ("context", "128"));

        Assert.Equal(new ModelConfig(3, 96, 6, 500, 128), settings.Config);
        Assert.Equal(16, settings.Config.HeadDim);
    }

    [Fact]
    public void From_PresetWithAShapeParameter_ThrowsPointingToCustom()
    {
        var error = Assert.Throws<ParameterException>(() => Settings(("preset", "small"), ("layers", "6")));

        Assert.Equal("parameter 'layers' of workload 'inference' is 6 but preset 'small' fixes it to 12; use preset=custom to choose shapes", error.Message);
    }

    [Fact]
    public void From_WidthNotDivisibleByHeads_Throws()
    {
        var error = Assert.Throws<ParameterException>(() => Settings(("preset", "custom"), ("d_model", "100"), ("heads", "3")));

        Assert.Equal("d_model 100 of workload 'inference' is not a multiple of heads 3; choose heads that divide d_model", error.Message);
    }

    [Fact]
    public void From_PromptAndGenBeyondContext_Throws()
    {
        var error = Assert.Throws<ParameterException>(() => Settings(("prompt", "60"), ("gen", "5")));

        Assert.Equal("prompt 60 + gen 5 exceeds the context of 64 tokens of workload 'inference'; shorten them or raise context", error.Message);
    }

    [Fact]
    public void From_EmbeddingBeyondOneArray_Throws()
    {
        var error = Assert.Throws<ParameterException>(() => Settings(("preset", "custom"), ("vocab", "262144"), ("d_model", "12288"), ("heads", "96")));

        Assert.Equal("the largest weight tensor of workload 'inference' would hold 3221225472 elements, more than the 2147483591 one tensor can; choose a smaller vocab or d_model", error.Message);
    }

    private InferenceSettings Settings(params (string Name, string Value)[] values) =>
        InferenceSettings.From(ParameterSet.Create(_workload.Name, _workload.Parameters, values.ToDictionary(v => v.Name, v => v.Value)), _workload.Name);
}
