using Xunit;

namespace AiProfiler.Workloads.FineTune.Tests;

public sealed class FineTuneConfigTests
{
    // L=2 D=16 H=2 F=32 V=20 B=2 S=8: T = 16 tokens.
    // Matmul weights N_mm = L·(4D² + 2DF) + V·D = 2·(1024 + 1024) + 320 = 4416.
    // Attention GEMMs 12·L·B·S²·D = 12·2·2·64·16 = 49152.
    private const double AttentionFlops = 49152;

    [Fact]
    public void Flops_Full_IsSixPerMatmulWeightPerTokenPlusAttention()
    {
        var config = FineTuneConfig.From(TinyParameters.Create("mode=full"));

        Assert.Equal(4416, config.MatmulParameters);
        Assert.Equal((6.0 * 16 * 4416) + AttentionFlops, config.Flops);
    }

    [Fact]
    public void Flops_Lora_IsFourPerFrozenWeightAndSixPerAdapterWeightPerToken()
    {
        var config = FineTuneConfig.From(TinyParameters.Create("mode=lora"));

        // Adapters r·(10D + 2F) per block = 4·(160 + 64) = 896, two blocks.
        Assert.Equal(1792, config.LoraParameters);
        Assert.Equal((4.0 * 16 * 4416) + (6.0 * 16 * 1792) + AttentionFlops, config.Flops);
    }

    [Fact]
    public void TrainableParameters_Full_CountsEveryBaseParameter()
    {
        var config = FineTuneConfig.From(TinyParameters.Create("mode=full"));

        // Blocks L·(4D² + 2DF + 9D + F) = 2·2224, embeddings V·D + S·D = 320 + 128, final norm 2D = 32, head V·D = 320.
        Assert.Equal(5248, config.TrainableParameters);
        Assert.Equal(5248, config.TotalParameters);
    }

    [Fact]
    public void TrainableParameters_Lora_CountsOnlyAdapters()
    {
        var config = FineTuneConfig.From(TinyParameters.Create("mode=lora"));

        Assert.Equal(1792, config.TrainableParameters);
        Assert.Equal(5248 + 1792, config.TotalParameters);
    }

    [Fact]
    public void Bytes_Full_CountsWeightsTwiceOptimizerTrafficAndActivationsTwice()
    {
        var config = FineTuneConfig.From(TinyParameters.Create("mode=full"));

        // Saved activations per block 7TD + 2TF + B·H·S² + 4T = 1792 + 1024 + 256 + 64 = 3136;
        // plus (L+2)·TD + 2T + 2TV = 1024 + 32 + 640.
        Assert.Equal(2 * 3136 + 1696, config.SavedActivationElements);
        Assert.Equal(4.0 * ((2 * 5248) + (8 * 5248) + (2 * 7968)), config.Bytes);
    }

    [Fact]
    public void Shape_Lora_NamesEveryDimension()
    {
        var config = FineTuneConfig.From(TinyParameters.Create("mode=lora"));

        Assert.Equal("lora L=2 D=16 H=2 F=32 V=20 B=2 S=8 r=4 alpha=8 fp32", config.Shape);
    }
}
