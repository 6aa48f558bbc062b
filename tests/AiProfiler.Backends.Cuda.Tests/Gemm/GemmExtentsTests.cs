using AiProfiler.Abstractions.Devices;
using AiProfiler.Backends.Cuda.Gemm;

namespace AiProfiler.Backends.Cuda.Tests.Gemm;

public sealed class GemmExtentsTests
{
    [Fact]
    public void Validate_BuffersExactlyLargeEnough_Passes()
    {
        var gemm = new GemmDescriptor { M = 2, N = 3, K = 4, BatchCount = 2, StrideA = 8, StrideB = 12, StrideC = 6 };
        GemmExtents.Validate(gemm, new FakeBuffer(16), new FakeBuffer(24), new FakeBuffer(12));
    }

    [Fact]
    public void Validate_BufferTooSmall_NamesTheOperandAndBothSizes()
    {
        var gemm = new GemmDescriptor { M = 2, N = 3, K = 4, BatchCount = 2, StrideA = 8, StrideB = 12, StrideC = 6 };
        var error = Assert.Throws<ArgumentException>(() => GemmExtents.Validate(gemm, new FakeBuffer(16), new FakeBuffer(23), new FakeBuffer(12)));
        Assert.Equal("gemm: B needs 24 elements but its buffer holds 23", error.Message);
    }

    [Fact]
    public void Validate_LeadingDimensionShorterThanARow_SaysHowToFixIt()
    {
        var gemm = new GemmDescriptor { M = 2, N = 3, K = 4, LdA = 3 };
        var error = Assert.Throws<ArgumentException>(() => GemmExtents.Validate(gemm, new FakeBuffer(100), new FakeBuffer(100), new FakeBuffer(100)));
        Assert.Equal("gemm: leading dimension of A is 3 but its rows hold 4 elements; use LdA ≥ 4 or 0 for packed", error.Message);
    }

    [Fact]
    public void Validate_BufferOfAnotherType_IsRefused()
    {
        var gemm = new GemmDescriptor { M = 2, N = 2, K = 2, Type = DataType.Float16 };
        var error = Assert.Throws<ArgumentException>(() => GemmExtents.Validate(gemm, new FakeBuffer(4, DataType.Float16), new FakeBuffer(4), new FakeBuffer(4, DataType.Float16)));
        Assert.StartsWith("gemm: B holds fp32 but the GEMM is fp16", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RequiredLength_TransposedWithOffset_CountsTheStoredShape() =>
        // Aᵀ stored K×M = 4×2 with row stride 5, offset 1: last row starts at 1 + 3·5 and holds 2 elements.
        Assert.Equal(18, GemmExtents.RequiredLength(rows: 4, cols: 2, ld: 5, stride: 0, offset: 1, batchCount: 1));
}
