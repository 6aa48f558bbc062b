namespace AiProfiler.Backends.OpenCL.Tests;

public sealed class OpenClOptionsTests
{
    [Theory]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("auto", false)]
    [InlineData("CLBlast", false)]
    [InlineData(" tiled ", true)]
    public void Parse_KnownValue_PicksTheEngine(string? value, bool tiled)
    {
        Assert.Equal(tiled, OpenClOptions.Parse(value).ForceTiledGemm);
    }

    [Fact]
    public void Parse_UnknownValue_ThrowsListingTheChoices()
    {
        var error = Assert.Throws<ArgumentException>(() => OpenClOptions.Parse("cublas"));

        Assert.Equal("AIPROFILER_OPENCL_GEMM='cublas' is not a GEMM engine; use tiled, clblast or auto", error.Message);
    }
}
