using AiProfiler.Abstractions.Kernels;
using AiProfiler.Backends.Cuda.Interop;

namespace AiProfiler.Backends.Cuda.Kernels;

/// <summary>
/// A kernel function of a module that <see cref="NvrtcKernelCompiler"/> caches. The module belongs to the compiler
/// and is unloaded with the device, so disposing a kernel releases nothing.
/// </summary>
internal sealed unsafe class CudaKernel(CudaDevice device, string name, nint function) : IKernel
{
    private const int StackArguments = 32;

    public string Name { get; } = name;

    public void Launch(KernelRange globalSize, KernelRange localSize, params ReadOnlySpan<KernelArgument> arguments)
    {
        var geometry = LaunchGeometry.From(globalSize, localSize, device.Properties.MaxThreadsPerBlock);
        if (geometry.IsEmpty)
        {
            return;
        }

        var slots = arguments.Length <= StackArguments ? stackalloc ulong[StackArguments] : new ulong[arguments.Length];
        KernelParameterBlock.Pack(arguments, slots, (buffer, index) => CudaBuffer.Of(buffer, device, $"argument {index} of kernel '{Name}'").DevicePointer);

        var pointers = arguments.Length <= StackArguments ? stackalloc nint[StackArguments] : new nint[arguments.Length];
        fixed (ulong* values = slots)
        fixed (nint* parameters = pointers)
        {
            for (var i = 0; i < arguments.Length; i++)
            {
                parameters[i] = (nint)(values + i);
            }

            device.MakeCurrent();
            CudaCheck.Driver(
                CudaDriverApi.cuLaunchKernel(
                    function,
                    geometry.GridX,
                    geometry.GridY,
                    geometry.GridZ,
                    geometry.BlockX,
                    geometry.BlockY,
                    geometry.BlockZ,
                    sharedMemBytes: 0,
                    device.Stream,
                    (void**)parameters,
                    extra: null),
                $"cuLaunchKernel({Name})");
        }
    }

    public void Dispose()
    {
    }
}
