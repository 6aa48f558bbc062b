using AiProfiler.Core.Advice;

namespace AiProfiler.Core.Tests.Advice;

public sealed class ModelCatalogTests
{
    public static TheoryData<string> Names => new(ModelCatalog.All.Select(m => m.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public void TotalParameters_CountedFromShapes_WithinOnePercentOfThePublishedCount(string name)
    {
        var model = ModelCatalog.Find(name)!;

        var counted = ModelArithmetic.TotalParameters(model);

        Assert.True(model.PublishedParameters > 0, $"{name} has no published count");
        var error = Math.Abs(counted - model.PublishedParameters) / (double)model.PublishedParameters;
        Assert.True(error <= 0.01, $"{name}: counted {counted:N0}, published {model.PublishedParameters:N0} ({error:P2} apart)");
    }

    [Fact]
    public void ActiveParameters_Mixtral_IsTheTwelvePointNineBillionMistralPublishes()
    {
        var mixtral = ModelCatalog.Find("mixtral-8x7b")!;

        var active = ModelArithmetic.ActiveParameters(mixtral);

        // Mistral AI's announcement: 46.7 B total, 12.9 B used per token.
        Assert.InRange(active, 12.9e9 * 0.99, 12.9e9 * 1.01);
        Assert.True(ModelArithmetic.TotalParameters(mixtral) > 3 * active);
    }

    [Fact]
    public void Catalog_HasEveryModelTheIssueNames()
    {
        string[] wanted =
        [
            "gpt2", "gpt2-medium", "gpt2-large", "gpt2-xl", "llama-3.2-1b", "llama-3.2-3b", "llama-3.1-8b", "llama-3.1-70b", "llama-3.1-405b",
            "mistral-7b", "mixtral-8x7b", "qwen2.5-0.5b", "qwen2.5-1.5b", "qwen2.5-7b", "qwen2.5-32b", "qwen2.5-72b", "phi-3-mini", "gemma-2-2b", "gemma-2-9b",
        ];

        Assert.All(wanted, name => Assert.NotNull(ModelCatalog.Find(name)));
        Assert.Equal("gpt2", ModelCatalog.Find("GPT2-Small")!.Name);
    }

    [Fact]
    public void Suggest_Typo_PutsTheIntendedModelFirst()
    {
        Assert.Equal("llama-3.1-8b", ModelCatalog.Suggest("llama-3.1-8n")[0]);
        Assert.Contains("qwen2.5-7b", ModelCatalog.Suggest("qwen-7b"));
    }
}
