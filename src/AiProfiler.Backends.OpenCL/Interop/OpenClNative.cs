using System.Runtime.InteropServices;

namespace AiProfiler.Backends.OpenCL.Interop;

/// <summary>
/// The OpenCL 1.2 entry points the backend calls, with the signatures of Khronos' <c>CL/cl.h</c>: <c>cl_int</c> is
/// <see cref="int"/>, <c>cl_uint</c>/<c>cl_bool</c> <see cref="uint"/>, <c>cl_ulong</c>/<c>cl_bitfield</c>
/// <see cref="ulong"/>, <c>size_t</c> <see cref="nuint"/>, object handles pointers. Reference-counted objects come back
/// as <see cref="System.Runtime.InteropServices.SafeHandle"/>s; platform and device ids are not reference counted.
/// </summary>
internal static unsafe partial class OpenClNative
{
    static OpenClNative() => OpenClLibrary.EnsureResolver();

    [LibraryImport(OpenClLibrary.OpenCL)]
    public static partial int clGetPlatformIDs(uint numEntries, nint* platforms, uint* numPlatforms);

    [LibraryImport(OpenClLibrary.OpenCL)]
    public static partial int clGetPlatformInfo(nint platform, uint paramName, nuint paramValueSize, void* paramValue, nuint* paramValueSizeRet);

    [LibraryImport(OpenClLibrary.OpenCL)]
    public static partial int clGetDeviceIDs(nint platform, ulong deviceType, uint numEntries, nint* devices, uint* numDevices);

    [LibraryImport(OpenClLibrary.OpenCL)]
    public static partial int clGetDeviceInfo(nint device, uint paramName, nuint paramValueSize, void* paramValue, nuint* paramValueSizeRet);

    [LibraryImport(OpenClLibrary.OpenCL)]
    public static partial ClContextHandle clCreateContext(nint* properties, uint numDevices, nint* devices, nint notify, nint userData, int* errcodeRet);

    [LibraryImport(OpenClLibrary.OpenCL)]
    public static partial int clReleaseContext(nint context);

    /// <summary>The OpenCL 1.x queue constructor (deprecated in 2.0 but exported by every ICD loader).</summary>
    [LibraryImport(OpenClLibrary.OpenCL)]
    public static partial ClCommandQueueHandle clCreateCommandQueue(ClContextHandle context, nint device, ulong properties, int* errcodeRet);

    [LibraryImport(OpenClLibrary.OpenCL)]
    public static partial int clReleaseCommandQueue(nint queue);

    [LibraryImport(OpenClLibrary.OpenCL)]
    public static partial ClMemHandle clCreateBuffer(ClContextHandle context, ulong flags, nuint size, void* hostPtr, int* errcodeRet);

    [LibraryImport(OpenClLibrary.OpenCL)]
    public static partial int clReleaseMemObject(nint memobj);

    [LibraryImport(OpenClLibrary.OpenCL)]
    public static partial int clEnqueueFillBuffer(ClCommandQueueHandle queue, ClMemHandle buffer, void* pattern, nuint patternSize, nuint offset, nuint size, uint numEventsInWaitList, nint* eventWaitList, nint* evt);

    [LibraryImport(OpenClLibrary.OpenCL)]
    public static partial int clEnqueueWriteBuffer(ClCommandQueueHandle queue, ClMemHandle buffer, uint blockingWrite, nuint offset, nuint size, void* ptr, uint numEventsInWaitList, nint* eventWaitList, nint* evt);

    [LibraryImport(OpenClLibrary.OpenCL)]
    public static partial int clEnqueueReadBuffer(ClCommandQueueHandle queue, ClMemHandle buffer, uint blockingRead, nuint offset, nuint size, void* ptr, uint numEventsInWaitList, nint* eventWaitList, nint* evt);

    [LibraryImport(OpenClLibrary.OpenCL)]
    public static partial ClProgramHandle clCreateProgramWithSource(ClContextHandle context, uint count, byte** strings, nuint* lengths, int* errcodeRet);

    [LibraryImport(OpenClLibrary.OpenCL)]
    public static partial int clBuildProgram(ClProgramHandle program, uint numDevices, nint* deviceList, byte* options, nint notify, nint userData);

    [LibraryImport(OpenClLibrary.OpenCL)]
    public static partial int clGetProgramBuildInfo(ClProgramHandle program, nint device, uint paramName, nuint paramValueSize, void* paramValue, nuint* paramValueSizeRet);

    [LibraryImport(OpenClLibrary.OpenCL)]
    public static partial int clReleaseProgram(nint program);

    [LibraryImport(OpenClLibrary.OpenCL)]
    public static partial ClKernelHandle clCreateKernel(ClProgramHandle program, byte* kernelName, int* errcodeRet);

    [LibraryImport(OpenClLibrary.OpenCL)]
    public static partial int clReleaseKernel(nint kernel);

    [LibraryImport(OpenClLibrary.OpenCL)]
    public static partial int clSetKernelArg(ClKernelHandle kernel, uint argIndex, nuint argSize, void* argValue);

    [LibraryImport(OpenClLibrary.OpenCL)]
    public static partial int clEnqueueNDRangeKernel(ClCommandQueueHandle queue, ClKernelHandle kernel, uint workDim, nuint* globalWorkOffset, nuint* globalWorkSize, nuint* localWorkSize, uint numEventsInWaitList, nint* eventWaitList, nint* evt);

    [LibraryImport(OpenClLibrary.OpenCL)]
    public static partial int clEnqueueMarkerWithWaitList(ClCommandQueueHandle queue, uint numEventsInWaitList, nint* eventWaitList, nint* evt);

    [LibraryImport(OpenClLibrary.OpenCL)]
    public static partial int clWaitForEvents(uint numEvents, nint* eventList);

    [LibraryImport(OpenClLibrary.OpenCL)]
    public static partial int clGetEventProfilingInfo(ClEventHandle evt, uint paramName, nuint paramValueSize, void* paramValue, nuint* paramValueSizeRet);

    [LibraryImport(OpenClLibrary.OpenCL)]
    public static partial int clReleaseEvent(nint evt);

    [LibraryImport(OpenClLibrary.OpenCL)]
    public static partial int clFinish(ClCommandQueueHandle queue);
}
