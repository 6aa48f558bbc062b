using System.Runtime.CompilerServices;
using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Kernels;

namespace AiProfiler.Backends.Cuda.Kernels;

/// <summary>
/// cuLaunchKernel takes <c>void** kernelParams</c>: one pointer per kernel parameter, each pointing at the
/// parameter's value in host memory, read with the parameter's own size. Each value gets an 8-byte slot holding a
/// CUdeviceptr (buffers), an int, a long long or a float, stored at the slot's start in native byte order.
/// </summary>
internal static class KernelParameterBlock
{
    internal static void Pack(ReadOnlySpan<KernelArgument> arguments, Span<ulong> slots, Func<IDeviceBuffer, int, ulong> devicePointer)
    {
        if (slots.Length < arguments.Length)
        {
            throw new ArgumentException("one slot per argument is needed", nameof(slots));
        }

        for (var i = 0; i < arguments.Length; i++)
        {
            slots[i] = 0;
            ref var slot = ref slots[i];
            var argument = arguments[i];
            switch (argument.Kind)
            {
                case KernelArgumentKind.Buffer:
                    slot = devicePointer(argument.Buffer ?? throw new ArgumentException($"argument {i} is a buffer argument without a buffer", nameof(arguments)), i);
                    break;
                case KernelArgumentKind.Int32:
                    Unsafe.As<ulong, int>(ref slot) = (int)argument.Integer;
                    break;
                case KernelArgumentKind.Int64:
                    Unsafe.As<ulong, long>(ref slot) = argument.Integer;
                    break;
                case KernelArgumentKind.Float32:
                    Unsafe.As<ulong, float>(ref slot) = argument.Single;
                    break;
                default:
                    throw new ArgumentException($"argument {i} has an unknown kind {argument.Kind}", nameof(arguments));
            }
        }
    }
}
