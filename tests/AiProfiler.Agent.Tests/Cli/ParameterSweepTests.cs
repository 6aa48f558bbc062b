using AiProfiler.Agent.Cli;

namespace AiProfiler.Agent.Tests.Cli;

public sealed class ParameterSweepTests
{
    [Theory]
    [InlineData("128", new[] { "128" })]
    [InlineData("128,512", new[] { "128", "512" })]
    [InlineData("1-4", new[] { "1", "2", "3", "4" })]
    [InlineData("1-8*2", new[] { "1", "2", "4", "8" })]
    [InlineData("1-10*3", new[] { "1", "3", "9" })]
    [InlineData("0-10+5", new[] { "0", "5", "10" })]
    [InlineData("1,16-32+16,64", new[] { "1", "16", "32", "64" })]
    [InlineData("llama-1b,gpt2-small", new[] { "llama-1b", "gpt2-small" })]
    [InlineData("fp16, q8_0", new[] { "fp16", "q8_0" })]
    [InlineData("", new[] { "" })]
    public void ExpandValues_ListsAndRanges_GiveEachValueInOrder(string text, string[] expected) =>
        Assert.Equal(expected, ParameterSweep.ExpandValues("key", text));

    [Fact]
    public void Expand_TwoKeys_CartesianProductWithTheFirstKeyOutermost()
    {
        var combinations = ParameterSweep.Expand(["prompt=128,512", "batch=1,8", "gen=16"]);

        Assert.Equal(
            ["prompt=128 batch=1 gen=16", "prompt=128 batch=8 gen=16", "prompt=512 batch=1 gen=16", "prompt=512 batch=8 gen=16"],
            combinations.Select(c => string.Join(' ', c.Select(p => $"{p.Key}={p.Value}"))));
    }

    [Fact]
    public void Expand_RepeatedKey_AddsItsValues()
    {
        var combinations = ParameterSweep.Expand(["batch=1", "BATCH=8"]);

        Assert.Equal(["1", "8"], combinations.Select(c => c["batch"]));
    }

    [Fact]
    public void Expand_NoParameters_OneCombinationWithDefaults() =>
        Assert.Empty(Assert.Single(ParameterSweep.Expand([])));

    [Theory]
    [InlineData("m", "--param 'm' is not key=value; e.g. --param m=1024 or a sweep --param batch=1,2,4")]
    [InlineData("=5", "--param '=5' is not key=value; e.g. --param m=1024 or a sweep --param batch=1,2,4")]
    [InlineData("m=1,,2", "--param m=1,,2 has an empty item; separate values with single commas, e.g. m=1,8")]
    [InlineData("m=8,", "--param m=8, has an empty item; separate values with single commas, e.g. m=1,8")]
    [InlineData("m=8-1", "--param m: range '8-1' ends before it starts; write first-last with first <= last, e.g. 1-8")]
    [InlineData("m=1-8*1", "--param m: range '1-8*1' never advances; use a step of at least 1 (first-last+step) or a factor of at least 2 from a first value above 0 (first-last*factor)")]
    [InlineData("m=0-8*2", "--param m: range '0-8*2' never advances; use a step of at least 1 (first-last+step) or a factor of at least 2 from a first value above 0 (first-last*factor)")]
    [InlineData("m=1-8+0", "--param m: range '1-8+0' never advances; use a step of at least 1 (first-last+step) or a factor of at least 2 from a first value above 0 (first-last*factor)")]
    [InlineData("m=1-99999999", "--param m: range '1-99999999' has more than 4096 values; sweep fewer values")]
    [InlineData("m=1-99999999999999999999", "--param m: range '1-99999999999999999999' has a number too large; use values below 9223372036854775807")]
    public void Expand_BadSyntax_OneLineNamingTheProblemAndTheFix(string pair, string message)
    {
        var error = Assert.Throws<FormatException>(() => ParameterSweep.Expand([pair]));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Expand_TooManyCombinations_RefusedBeforeBuildingThem()
    {
        var error = Assert.Throws<FormatException>(() => ParameterSweep.Expand(["m=1-64", "n=1-64", "k=1,2"]));

        Assert.Equal("the --param sweep has 8192 combinations, more than 4096; sweep fewer values", error.Message);
    }
}
