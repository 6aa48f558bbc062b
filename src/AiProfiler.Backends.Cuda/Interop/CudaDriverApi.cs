using System.Runtime.InteropServices;

namespace AiProfiler.Backends.Cuda.Interop;

/// <summary>
/// The CUDA driver API (libcuda.so.1 / nvcuda.dll) as this backend uses it. Signatures follow cuda.h and
/// cudaTypedefs.h of CUDA 12.6 (read from zspace/system.cuda-12.6 include/cuda.h and include/cudaTypedefs.h);
/// where cuda.h maps a name to a versioned symbol (<c>#define cuMemAlloc cuMemAlloc_v2</c>) the versioned symbol is
/// bound. <c>CUdeviceptr</c> is <c>unsigned long long</c> on 64-bit platforms, <c>CUdevice</c> is <c>int</c>, and
/// the handle types (<c>CUcontext</c>, <c>CUmodule</c>, <c>CUfunction</c>, <c>CUstream</c>, <c>CUevent</c>) are
/// pointers.
/// </summary>
internal static unsafe partial class CudaDriverApi
{
    /// <summary><c>CU_STREAM_DEFAULT</c>: a blocking stream, ordered with the legacy default stream the synchronous copies use.</summary>
    internal const uint StreamDefault = 0x0;

    /// <summary><c>CU_EVENT_DEFAULT</c>: an event that records timing.</summary>
    internal const uint EventDefault = 0x0;

    private const string Lib = CudaNativeLibraries.Driver;

    internal static IReadOnlyList<string> EntryPoints { get; } = LibraryImports.EntryPointsOf(typeof(CudaDriverApi));

    [LibraryImport(Lib)]
    internal static partial CuResult cuGetErrorString(CuResult error, out nint pStr);

    [LibraryImport(Lib)]
    internal static partial CuResult cuGetErrorName(CuResult error, out nint pStr);

    [LibraryImport(Lib)]
    internal static partial CuResult cuInit(uint flags);

    [LibraryImport(Lib)]
    internal static partial CuResult cuDriverGetVersion(out int driverVersion);

    [LibraryImport(Lib)]
    internal static partial CuResult cuDeviceGet(out int device, int ordinal);

    [LibraryImport(Lib)]
    internal static partial CuResult cuDeviceGetCount(out int count);

    [LibraryImport(Lib)]
    internal static partial CuResult cuDeviceGetName(byte* name, int len, int dev);

    [LibraryImport(Lib)]
    internal static partial CuResult cuDeviceTotalMem_v2(out nuint bytes, int dev);

    [LibraryImport(Lib)]
    internal static partial CuResult cuDeviceGetAttribute(out int pi, CuDeviceAttribute attrib, int dev);

    [LibraryImport(Lib)]
    internal static partial CuResult cuDevicePrimaryCtxRetain(out nint pctx, int dev);

    [LibraryImport(Lib)]
    internal static partial CuResult cuDevicePrimaryCtxRelease_v2(int dev);

    [LibraryImport(Lib)]
    internal static partial CuResult cuCtxSetCurrent(nint ctx);

    [LibraryImport(Lib)]
    internal static partial CuResult cuMemGetInfo_v2(out nuint free, out nuint total);

    [LibraryImport(Lib)]
    internal static partial CuResult cuMemAlloc_v2(out ulong dptr, nuint bytesize);

    [LibraryImport(Lib)]
    internal static partial CuResult cuMemFree_v2(ulong dptr);

    [LibraryImport(Lib)]
    internal static partial CuResult cuMemcpyHtoD_v2(ulong dstDevice, void* srcHost, nuint byteCount);

    [LibraryImport(Lib)]
    internal static partial CuResult cuMemcpyDtoH_v2(void* dstHost, ulong srcDevice, nuint byteCount);

    [LibraryImport(Lib)]
    internal static partial CuResult cuMemsetD8_v2(ulong dstDevice, byte uc, nuint n);

    [LibraryImport(Lib)]
    internal static partial CuResult cuModuleLoadData(out nint module, void* image);

    [LibraryImport(Lib)]
    internal static partial CuResult cuModuleUnload(nint hmod);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial CuResult cuModuleGetFunction(out nint hfunc, nint hmod, string name);

    [LibraryImport(Lib)]
    internal static partial CuResult cuLaunchKernel(
        nint f,
        uint gridDimX,
        uint gridDimY,
        uint gridDimZ,
        uint blockDimX,
        uint blockDimY,
        uint blockDimZ,
        uint sharedMemBytes,
        nint hStream,
        void** kernelParams,
        void** extra);

    [LibraryImport(Lib)]
    internal static partial CuResult cuStreamCreate(out nint phStream, uint flags);

    [LibraryImport(Lib)]
    internal static partial CuResult cuStreamSynchronize(nint hStream);

    [LibraryImport(Lib)]
    internal static partial CuResult cuStreamDestroy_v2(nint hStream);

    [LibraryImport(Lib)]
    internal static partial CuResult cuEventCreate(out nint phEvent, uint flags);

    [LibraryImport(Lib)]
    internal static partial CuResult cuEventRecord(nint hEvent, nint hStream);

    [LibraryImport(Lib)]
    internal static partial CuResult cuEventSynchronize(nint hEvent);

    [LibraryImport(Lib)]
    internal static partial CuResult cuEventElapsedTime(out float pMilliseconds, nint hStart, nint hEnd);

    [LibraryImport(Lib)]
    internal static partial CuResult cuEventDestroy_v2(nint hEvent);
}
