using System.Globalization;
using AiProfiler.Abstractions.Kernels;
using AiProfiler.Backends.OpenCL.Interop;

namespace AiProfiler.Backends.OpenCL;

/// <summary>A <c>cl_kernel</c>: sets the arguments and queues an NDRange on the device's queue.</summary>
internal sealed unsafe class OpenClKernel : IKernel
{
    private readonly OpenClDevice _device;
    private readonly ClKernelHandle _handle;

    public OpenClKernel(OpenClDevice device, ClKernelHandle handle, string name)
    {
        _device = device;
        _handle = handle;
        Name = name;
    }

    public string Name { get; }

    public void Launch(KernelRange globalSize, KernelRange localSize, params ReadOnlySpan<KernelArgument> arguments)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        var dimensions = Math.Max(globalSize.Dimensions, localSize.Dimensions);
        var global = stackalloc nuint[3];
        var local = stackalloc nuint[3];
        for (var d = 0; d < 3; d++)
        {
            var g = d == 0 ? globalSize.X : d == 1 ? globalSize.Y : globalSize.Z;
            var l = d == 0 ? localSize.X : d == 1 ? localSize.Y : localSize.Z;
            if (l < 1 || g < 1 || g % l != 0)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"kernel '{Name}': global size {g} in dimension {d} is not a positive multiple of the local size {l}; round it up with KernelRange.RoundUp"),
                    nameof(globalSize));
            }

            global[d] = (nuint)g;
            local[d] = (nuint)l;
        }

        for (var i = 0; i < arguments.Length; i++)
        {
            SetArgument((uint)i, arguments[i]);
        }

        OpenClException.Check(OpenClNative.clEnqueueNDRangeKernel(_device.Queue, _handle, (uint)dimensions, null, global, local, 0, null, null),
            $"clEnqueueNDRangeKernel ({Name})");
    }

    public void Dispose() => _handle.Dispose();

    private void SetArgument(uint index, in KernelArgument argument)
    {
        int status;
        switch (argument.Kind)
        {
            case KernelArgumentKind.Buffer:
                var memory = _device.Own(argument.Buffer!, $"argument {index}").Handle.DangerousGetHandle();
                status = OpenClNative.clSetKernelArg(_handle, index, (nuint)sizeof(nint), &memory);
                break;
            case KernelArgumentKind.Int32:
                var int32 = (int)argument.Integer;
                status = OpenClNative.clSetKernelArg(_handle, index, sizeof(int), &int32);
                break;
            case KernelArgumentKind.Int64:
                var int64 = argument.Integer;
                status = OpenClNative.clSetKernelArg(_handle, index, sizeof(long), &int64);
                break;
            case KernelArgumentKind.Float32:
                var single = argument.Single;
                status = OpenClNative.clSetKernelArg(_handle, index, sizeof(float), &single);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(argument), argument.Kind, "unknown kernel argument kind");
        }

        if (status != ClConstants.Success)
        {
            throw new OpenClException("clSetKernelArg", status, string.Create(CultureInfo.InvariantCulture,
                $"kernel '{Name}': argument {index} ({argument.Kind}) was refused: {ClErrors.Name(status)} ({status}); check the kernel's parameter types (int, INT64, float, GLOBAL pointer)"));
        }
    }
}
