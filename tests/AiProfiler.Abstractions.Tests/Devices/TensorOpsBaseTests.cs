using AiProfiler.Abstractions.Devices;

namespace AiProfiler.Abstractions.Tests.Devices;

/// <summary>The same mistake gives the same message on every backend: the checks live once, in <see cref="TensorOpsBase"/>.</summary>
[Collection(TestDevices.SharedOpenClCollection)]
public sealed class TensorOpsBaseTests
{
    public static TheoryData<string> Backends => BackendDevices.Names;

    [Theory]
    [MemberData(nameof(Backends))]
    public void Softmax_OutputShorterThanTheShape_NamesTheBufferAndTheFix(string backend)
    {
        var device = BackendDevices.Get(backend);
        using var x = device.Allocate(12);
        using var y = device.Allocate(10);

        var error = Assert.Throws<ArgumentException>(() => device.Ops.Softmax(x, y, 3, 4));

        Assert.Equal("y holds 10 elements but the operation needs 12; allocate a larger buffer (Parameter 'y')", error.Message);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Softmax_NegativeRows_SaysRowsMustNotBeNegative(string backend)
    {
        var device = BackendDevices.Get(backend);
        using var x = device.Allocate(4);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => device.Ops.Softmax(x, x, -1, 4));

        Assert.StartsWith("rows must not be negative (Parameter 'rows')", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Activation_IdsBufferWhereFp32IsNeeded_NamesBothTypes(string backend)
    {
        var device = BackendDevices.Get(backend);
        using var ids = device.Allocate(4, DataType.Int32);
        using var y = device.Allocate(4);

        var error = Assert.Throws<ArgumentException>(() => device.Ops.Activation(ActivationKind.Relu, ids, y, 4));

        Assert.Equal("x holds i32 but the operation needs fp32 (Parameter 'x')", error.Message);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Axpby_BufferOfAnotherDevice_NamesBothDevices(string backend)
    {
        var device = BackendDevices.Get(backend);
        var other = BackendDevices.Other(backend);
        using var foreign = other.Allocate(4);
        using var y = device.Allocate(4);

        var error = Assert.Throws<ArgumentException>(() => device.Ops.Axpby(1f, foreign, 0f, y, 4));

        Assert.Equal(
            $"buffer 'x' belongs to device '{other.Info.Id}', not to '{device.Info.Id}'; allocate it on this device (Parameter 'x')",
            error.Message);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Gemm_TypeNoBackendMultiplies_NamesTheTypeImplementationAndDevice(string backend)
    {
        var device = BackendDevices.Get(backend);
        using var m = device.Allocate(4, DataType.Int32);

        var error = Assert.Throws<NotSupportedException>(() =>
            device.Ops.Gemm(new GemmDescriptor { M = 2, N = 2, K = 1, Type = DataType.Int32 }, m, m, m));

        Assert.Equal(
            $"GEMM in i32 is not supported by {device.Ops.GemmImplementation} on device '{device.Info.Id}'; use fp32 or another device",
            error.Message);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Gemm_BufferTooShortForTheBatchStride_NamesTheMatrixAndTheLastElement(string backend)
    {
        var device = BackendDevices.Get(backend);
        using var a = device.Allocate(16);
        using var b = device.Allocate(32);
        using var c = device.Allocate(32);
        var gemm = new GemmDescriptor { M = 4, N = 4, K = 4, BatchCount = 2, StrideA = 16, StrideB = 16, StrideC = 16 };

        var error = Assert.Throws<ArgumentException>(() => device.Ops.Gemm(gemm, a, b, c));

        Assert.Equal("A holds 16 elements but the GEMM reads up to element 32; check its offset, stride and leading dimension (Parameter 'A')", error.Message);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Gemm_LeadingDimensionBelowTheColumns_SaysTheSmallestThatWorks(string backend)
    {
        var device = BackendDevices.Get(backend);
        using var m = device.Allocate(64);

        var error = Assert.Throws<ArgumentException>(() => device.Ops.Gemm(new GemmDescriptor { M = 4, N = 4, K = 4, LdB = 3 }, m, m, m));

        Assert.Equal("leading dimension of B is 3 but its stored rows have 4 columns; use a leading dimension of at least 4 (Parameter 'B')", error.Message);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Copy_BetweenTypesOfDifferentSizes_PointsToConvert(string backend)
    {
        var device = BackendDevices.Get(backend);
        using var single = device.Allocate(4);
        using var half = device.Allocate(4, DataType.Float16);

        var error = Assert.Throws<ArgumentException>(() => device.Ops.Copy(single, 0, half, 0, 4));

        Assert.Equal("cannot copy fp32 into fp16; use Convert to change the type (Parameter 'destination')", error.Message);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Fill_PastTheEnd_NamesTheRange(string backend)
    {
        var device = BackendDevices.Get(backend);
        using var buffer = device.Allocate(4);

        var error = Assert.Throws<ArgumentException>(() => device.Ops.Fill(buffer, 1f, 2, 4));

        Assert.Equal("buffer holds 4 elements but elements 2 to 6 were asked for; check the offset and count (Parameter 'buffer')", error.Message);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Convert_IdsToHalf_SaysWhichConversionsExist(string backend)
    {
        var device = BackendDevices.Get(backend);
        using var ids = device.Allocate(4, DataType.Int32);
        using var half = device.Allocate(4, DataType.Float16);

        var error = Assert.Throws<NotSupportedException>(() => device.Ops.Convert(ids, half, 4));

        Assert.Equal("cannot convert i32 to fp16; convert between fp32 and fp16 or bf16", error.Message);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void AdamW_StepZero_SaysStepsCountFromOne(string backend)
    {
        var device = BackendDevices.Get(backend);
        using var p = device.Allocate(4);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => device.Ops.AdamW(p, p, p, p, 4, new AdamWParameters(1e-3f, 0.9f, 0.999f, 1e-8f, 0f, Step: 0)));

        Assert.StartsWith("the AdamW step counts from 1 (Parameter 'hyper')", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Attention_KeyCapacityBelowKeyLength_AsksForRoomForEveryKey(string backend)
    {
        var device = BackendDevices.Get(backend);
        using var x = device.Allocate(64);
        var attention = new AttentionDescriptor { Batch = 1, Heads = 1, QueryLength = 1, KeyLength = 4, KeyCapacity = 2, HeadDim = 8 };

        var error = Assert.Throws<ArgumentException>(() => device.Ops.Attention(attention, x, x, x, x));

        Assert.Equal("attention KeyCapacity 2 is smaller than KeyLength 4; allocate room for every key (Parameter 'attention')", error.Message);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void EmbeddingGather_FloatIds_NamesTheIdsBuffer(string backend)
    {
        var device = BackendDevices.Get(backend);
        using var table = device.Allocate(16);
        using var ids = device.Allocate(2);
        using var y = device.Allocate(8);

        var error = Assert.Throws<ArgumentException>(() => device.Ops.EmbeddingGather(table, ids, y, 2, 4));

        Assert.Equal("ids holds fp32 but the operation needs i32 (Parameter 'ids')", error.Message);
    }
}
