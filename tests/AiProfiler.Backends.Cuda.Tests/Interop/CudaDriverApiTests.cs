using AiProfiler.Backends.Cuda.Interop;

namespace AiProfiler.Backends.Cuda.Tests.Interop;

public sealed class CudaDriverApiTests
{
    /// <summary>
    /// Prototypes from cudaTypedefs.h of CUDA 12.6 (zspace/system.cuda-12.6 include/cudaTypedefs.h), named by the
    /// symbols cuda.h's #defines select (cuMemAlloc → cuMemAlloc_v2 and so on). CUdevice_v1 is CUdevice and
    /// CUdeviceptr_v2 is CUdeviceptr.
    /// </summary>
    private static readonly string[] HeaderPrototypes =
    [
        "CUresult cuGetErrorString(CUresult error, const char** pStr)",
        "CUresult cuGetErrorName(CUresult error, const char** pStr)",
        "CUresult cuInit(unsigned int Flags)",
        "CUresult cuDriverGetVersion(int* driverVersion)",
        "CUresult cuDeviceGet(CUdevice* device, int ordinal)",
        "CUresult cuDeviceGetCount(int* count)",
        "CUresult cuDeviceGetName(char* name, int len, CUdevice dev)",
        "CUresult cuDeviceTotalMem_v2(size_t* bytes, CUdevice dev)",
        "CUresult cuDeviceGetAttribute(int* pi, CUdevice_attribute attrib, CUdevice dev)",
        "CUresult cuDevicePrimaryCtxRetain(CUcontext* pctx, CUdevice dev)",
        "CUresult cuDevicePrimaryCtxRelease_v2(CUdevice dev)",
        "CUresult cuCtxSetCurrent(CUcontext ctx)",
        "CUresult cuMemGetInfo_v2(size_t* free, size_t* total)",
        "CUresult cuMemAlloc_v2(CUdeviceptr* dptr, size_t bytesize)",
        "CUresult cuMemFree_v2(CUdeviceptr dptr)",
        "CUresult cuMemcpyHtoD_v2(CUdeviceptr dstDevice, const void* srcHost, size_t ByteCount)",
        "CUresult cuMemcpyDtoH_v2(void* dstHost, CUdeviceptr srcDevice, size_t ByteCount)",
        "CUresult cuMemsetD8_v2(CUdeviceptr dstDevice, unsigned char uc, size_t N)",
        "CUresult cuModuleLoadData(CUmodule* module, const void* image)",
        "CUresult cuModuleUnload(CUmodule hmod)",
        "CUresult cuModuleGetFunction(CUfunction* hfunc, CUmodule hmod, const char* name)",
        "CUresult cuLaunchKernel(CUfunction f, unsigned int gridDimX, unsigned int gridDimY, unsigned int gridDimZ, unsigned int blockDimX, unsigned int blockDimY, unsigned int blockDimZ, unsigned int sharedMemBytes, CUstream hStream, void** kernelParams, void** extra)",
        "CUresult cuStreamCreate(CUstream* phStream, unsigned int Flags)",
        "CUresult cuStreamSynchronize(CUstream hStream)",
        "CUresult cuStreamDestroy_v2(CUstream hStream)",
        "CUresult cuEventCreate(CUevent* phEvent, unsigned int Flags)",
        "CUresult cuEventRecord(CUevent hEvent, CUstream hStream)",
        "CUresult cuEventSynchronize(CUevent hEvent)",
        "CUresult cuEventElapsedTime(float* pMilliseconds, CUevent hStart, CUevent hEnd)",
        "CUresult cuEventDestroy_v2(CUevent hEvent)",
    ];

    /// <summary>cuda.h (CUDA 12.6): <c>#define cuMemAlloc cuMemAlloc_v2</c> and the like, for the functions bound here.</summary>
    private static readonly string[] VersionedByCudaH =
    [
        "cuDeviceTotalMem", "cuMemGetInfo", "cuMemAlloc", "cuMemFree", "cuMemcpyHtoD", "cuMemcpyDtoH", "cuMemsetD8",
        "cuStreamDestroy", "cuEventDestroy", "cuDevicePrimaryCtxRelease",
    ];

    [Fact]
    public void Bindings_MatchCudaHeaderPrototypes() =>
        NativeSignatures.AssertMatch(typeof(CudaDriverApi), HeaderPrototypes);

    [Fact]
    public void EntryPoints_FunctionsCudaHVersions_BindTheV2Symbol()
    {
        foreach (var name in VersionedByCudaH)
        {
            Assert.DoesNotContain(name, CudaDriverApi.EntryPoints);
            Assert.Contains(name + "_v2", CudaDriverApi.EntryPoints);
        }
    }

    [Fact]
    public void Flags_MatchCudaHeader()
    {
        // enum CUstream_flags_enum: CU_STREAM_DEFAULT = 0x0; enum CUevent_flags_enum: CU_EVENT_DEFAULT = 0x0.
        Assert.Equal(0x0u, CudaDriverApi.StreamDefault);
        Assert.Equal(0x0u, CudaDriverApi.EventDefault);
    }

    [Fact]
    public void Enums_AreIntSizedLikeCEnums()
    {
        foreach (var type in new[] { typeof(CuResult), typeof(CuDeviceAttribute), typeof(NvrtcResult), typeof(CublasStatus), typeof(CublasOperation), typeof(CudaDataType), typeof(CublasComputeType), typeof(CublasMath), typeof(CublasGemmAlgo) })
        {
            Assert.Equal(typeof(int), Enum.GetUnderlyingType(type));
        }
    }
}
