using AiProfiler.Abstractions.Parameters;

namespace AiProfiler.Abstractions.Tests;

public sealed class ParameterSetTests
{
    private static readonly ParameterDescriptor[] Descriptors =
    [
        ParameterDescriptor.Integer("batch", 1, 1, 64, "sequences per step"),
        ParameterDescriptor.Number("lr", 1e-3, 0, 1, "learning rate"),
        ParameterDescriptor.Boolean("causal", true, "mask future keys"),
        ParameterDescriptor.Choice("mode", "full", ["full", "lora"], "what is trained"),
        ParameterDescriptor.Text("weights", "", "a safetensors file"),
    ];

    [Fact]
    public void Create_NothingSupplied_AllDefaultsInDeclarationOrder()
    {
        var set = ParameterSet.Create("w", Descriptors);

        Assert.Equal("batch=1,lr=0.001,causal=true,mode=full,weights=", set.ToString());
        Assert.Equal(1, set.GetInt32("batch"));
        Assert.True(set.GetBoolean("causal"));
    }

    [Fact]
    public void Create_SuppliedValues_NormalizedCaseAndSpacing()
    {
        var set = ParameterSet.Create("w", Descriptors, new Dictionary<string, string> { ["BATCH"] = " 8 ", ["mode"] = "LoRA", ["causal"] = "False", ["lr"] = "2.5e-4" });

        Assert.Equal("batch=8,lr=0.00025,causal=false,mode=lora,weights=", set.ToString());
        Assert.Equal(0.00025, set.GetDouble("lr"));
    }

    [Fact]
    public void ToLabel_OnlyTheValuesThatDifferFromDefaults()
    {
        Assert.Equal("defaults", ParameterSet.Create("w", Descriptors).ToLabel());
        Assert.Equal("batch=8,mode=lora", ParameterSet.Create("w", Descriptors, new Dictionary<string, string> { ["mode"] = "lora", ["batch"] = "8", ["lr"] = "0.001" }).ToLabel());
    }

    [Theory]
    [InlineData("batch", "65", "parameter 'batch' of workload 'w' is 65, outside integer 1..64")]
    [InlineData("batch", "1.5", "parameter 'batch' of workload 'w' must be an integer, got '1.5'; accepted: integer 1..64")]
    [InlineData("lr", "NaN", "parameter 'lr' of workload 'w' must be a number, got 'NaN'; accepted: number 0..1")]
    [InlineData("lr", "2", "parameter 'lr' of workload 'w' is 2, outside number 0..1")]
    [InlineData("causal", "yes", "parameter 'causal' of workload 'w' must be true or false, got 'yes'")]
    [InlineData("mode", "qlora", "parameter 'mode' of workload 'w' is 'qlora', not one of full|lora")]
    [InlineData("heads", "4", "unknown parameter 'heads' for workload 'w'; known: batch, lr, causal, mode, weights")]
    public void Create_BadValue_ThrowsNamingParameterValueAndWhatIsAccepted(string name, string value, string message)
    {
        var error = Assert.Throws<ParameterException>(() => ParameterSet.Create("w", Descriptors, new Dictionary<string, string> { [name] = value }));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Integer_DefaultOutsideRange_RejectedWhenDeclared()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ParameterDescriptor.Integer("n", 0, 1, 10, "n"));
    }

    [Fact]
    public void Descriptor_InvalidName_Rejected()
    {
        Assert.Throws<ArgumentException>(() => ParameterDescriptor.Boolean("Bad-Name", true, "x"));
    }
}
