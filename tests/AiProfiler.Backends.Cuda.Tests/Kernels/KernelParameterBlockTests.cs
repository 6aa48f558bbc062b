using System.Runtime.CompilerServices;
using AiProfiler.Abstractions.Kernels;
using AiProfiler.Backends.Cuda.Kernels;

namespace AiProfiler.Backends.Cuda.Tests.Kernels;

public sealed class KernelParameterBlockTests
{
    [Fact]
    public void Pack_EachKind_StoresTheValueAtTheStartOfItsSlotWithItsCSize()
    {
        var buffer = new FakeBuffer(16);
        KernelArgument[] arguments = [KernelArgument.Of(buffer), KernelArgument.Of(-7), KernelArgument.Of(1L << 40), KernelArgument.Of(2.5f)];
        var slots = new ulong[] { ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, ulong.MaxValue };

        KernelParameterBlock.Pack(arguments, slots, (b, index) => ReferenceEquals(b, buffer) && index == 0 ? 0x7f00_1234_5000UL : 0);

        Assert.Equal(0x7f00_1234_5000UL, slots[0]);
        Assert.Equal(-7, Unsafe.As<ulong, int>(ref slots[1]));
        Assert.Equal(0u, (uint)(slots[1] >> 32));
        Assert.Equal(1L << 40, Unsafe.As<ulong, long>(ref slots[2]));
        Assert.Equal(2.5f, Unsafe.As<ulong, float>(ref slots[3]));
    }

    [Fact]
    public void Pack_DefaultArgument_IsRefusedWithItsPosition()
    {
        var error = Assert.Throws<ArgumentException>(() => KernelParameterBlock.Pack([KernelArgument.Of(1), default], new ulong[2], (_, _) => 0));
        Assert.StartsWith("argument 1 is a buffer argument without a buffer", error.Message, StringComparison.Ordinal);
    }
}
