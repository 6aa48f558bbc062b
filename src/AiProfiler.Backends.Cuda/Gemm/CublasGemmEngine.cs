using AiProfiler.Abstractions.Devices;
using AiProfiler.Backends.Cuda.Devices;
using AiProfiler.Backends.Cuda.Interop;
using AiProfiler.Kernels;

namespace AiProfiler.Backends.Cuda.Gemm;

/// <summary>
/// GEMM through cuBLAS on the device's stream: fp32 with cublasSgemm_v2 / cublasSgemmStridedBatched, fp16 and bf16
/// with cublasGemmEx / cublasGemmStridedBatchedEx (CUBLAS_COMPUTE_32F: fp32 accumulation, output in the input type).
/// With TF32 on, fp32 GEMMs go through cublasGemmEx with CUBLAS_COMPUTE_32F_FAST_TF32, which lets tensor cores round
/// inputs to TF32 (10 mantissa bits); the handle itself stays in CUBLAS_DEFAULT_MATH so plain fp32 stays fp32.
/// Half inputs with an fp32 C (prefill with fp16/bf16 weights) go through cublasGemmEx with A/B in CUDA_R_16F or
/// CUDA_R_16BF, C in CUDA_R_32F and CUBLAS_COMPUTE_32F, a combination cuBLAS's GemmEx table lists.
/// Row-major requests are mapped onto column-major cuBLAS by <see cref="ColumnMajorGemm"/>.
/// </summary>
internal sealed unsafe class CublasGemmEngine : IGemmEngine, IHalfInputGemmEngine, IDisposable
{
    private readonly CudaDevice _device;
    private readonly CublasHandle _handle;
    private readonly bool _bf16;
    private readonly bool _tf32;

    private CublasGemmEngine(CudaDevice device, CublasHandle handle, bool tf32)
    {
        _device = device;
        _handle = handle;
        _bf16 = CudaPeakEstimator.HasBFloat16TensorCores(device.Properties.ComputeCapabilityMajor);
        _tf32 = tf32;
        Name = tf32 ? "cublas-tf32" : "cublas";
    }

    public string Name { get; }

    /// <summary>Creates a cuBLAS handle on the device's context, bound to its stream.</summary>
    internal static CublasGemmEngine Create(CudaDevice device, bool tf32)
    {
        device.MakeCurrent();
        CudaCheck.Cublas(CublasApi.cublasCreate_v2(out var raw), nameof(CublasApi.cublasCreate_v2));
        var handle = new CublasHandle(device.Context, raw);
        try
        {
            CudaCheck.Cublas(CublasApi.cublasSetStream_v2(raw, device.Stream), nameof(CublasApi.cublasSetStream_v2));
            CudaCheck.Cublas(CublasApi.cublasSetMathMode(raw, CublasMath.Default), nameof(CublasApi.cublasSetMathMode));
            return new CublasGemmEngine(device, handle, tf32);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// fp32 and fp16 everywhere; bf16 from compute capability 8.0, where bf16 tensor cores start (older devices are
    /// refused rather than left to an emulation path whose speed says nothing about the hardware).
    /// </summary>
    public bool Supports(DataType type) => type switch
    {
        DataType.Float32 or DataType.Float16 => true,
        DataType.BFloat16 => _bf16,
        _ => false,
    };

    public void Gemm(in GemmDescriptor gemm, IDeviceBuffer a, IDeviceBuffer b, IDeviceBuffer c)
    {
        if (!Supports(gemm.Type))
        {
            throw new NotSupportedException(
                $"cuBLAS GEMM on '{_device.Info.Id}' does not take {gemm.Type.ShortName()}; use fp32 or fp16{(_bf16 ? ", bf16" : "")}");
        }

        // KernelTensorOps has checked shapes and buffer extents (TensorChecks.Gemm) before calling.
        var bufferA = CudaBuffer.Of(a, _device, "gemm A");
        var bufferB = CudaBuffer.Of(b, _device, "gemm B");
        var bufferC = CudaBuffer.Of(c, _device, "gemm C");
        var call = ColumnMajorGemm.FromRowMajor(gemm);
        if (call.M == 0 || call.N == 0 || call.BatchCount == 0)
        {
            return;
        }

        // cuBLAS's first operand is the caller's B and its second the caller's A (see ColumnMajorGemm).
        var size = (ulong)gemm.Type.SizeInBytes();
        var first = (void*)(bufferB.DevicePointer + ((ulong)call.OffsetA * size));
        var second = (void*)(bufferA.DevicePointer + ((ulong)call.OffsetB * size));
        var result = (void*)(bufferC.DevicePointer + ((ulong)call.OffsetC * size));
        var alpha = gemm.Alpha;
        var beta = gemm.Beta;
        var handle = _handle.DangerousGetHandle();

        _device.MakeCurrent();
        if (gemm.Type == DataType.Float32 && !_tf32)
        {
            if (call.BatchCount == 1)
            {
                CudaCheck.Cublas(
                    CublasApi.cublasSgemm_v2(handle, call.TransA, call.TransB, call.M, call.N, call.K, &alpha,
                        (float*)first, call.Lda, (float*)second, call.Ldb, &beta, (float*)result, call.Ldc),
                    nameof(CublasApi.cublasSgemm_v2));
            }
            else
            {
                CudaCheck.Cublas(
                    CublasApi.cublasSgemmStridedBatched(handle, call.TransA, call.TransB, call.M, call.N, call.K, &alpha,
                        (float*)first, call.Lda, call.StrideA, (float*)second, call.Ldb, call.StrideB, &beta,
                        (float*)result, call.Ldc, call.StrideC, call.BatchCount),
                    nameof(CublasApi.cublasSgemmStridedBatched));
            }

            return;
        }

        var (type, compute) = gemm.Type switch
        {
            DataType.Float32 => (CudaDataType.R32F, CublasComputeType.Compute32FFastTf32),
            DataType.Float16 => (CudaDataType.R16F, CublasComputeType.Compute32F),
            _ => (CudaDataType.R16BF, CublasComputeType.Compute32F),
        };
        if (call.BatchCount == 1)
        {
            CudaCheck.Cublas(
                CublasApi.cublasGemmEx(handle, call.TransA, call.TransB, call.M, call.N, call.K, &alpha,
                    first, type, call.Lda, second, type, call.Ldb, &beta, result, type, call.Ldc,
                    compute, CublasGemmAlgo.Default),
                nameof(CublasApi.cublasGemmEx));
        }
        else
        {
            CudaCheck.Cublas(
                CublasApi.cublasGemmStridedBatchedEx(handle, call.TransA, call.TransB, call.M, call.N, call.K, &alpha,
                    first, type, call.Lda, call.StrideA, second, type, call.Ldb, call.StrideB, &beta,
                    result, type, call.Ldc, call.StrideC, call.BatchCount, compute, CublasGemmAlgo.Default),
                nameof(CublasApi.cublasGemmStridedBatchedEx));
        }
    }

    public bool SupportsHalfInputs(DataType type) => type is DataType.Float16 || (type is DataType.BFloat16 && _bf16);

    public void GemmHalfInputs(in GemmDescriptor gemm, IDeviceBuffer a, IDeviceBuffer b, IDeviceBuffer c)
    {
        if (!SupportsHalfInputs(gemm.Type) || gemm.BatchCount != 1)
        {
            throw new NotSupportedException(
                $"cuBLAS half-input GEMM on '{_device.Info.Id}' takes one fp16{(_bf16 ? " or bf16" : "")} product, not {gemm.BatchCount} of {gemm.Type.ShortName()}");
        }

        var bufferA = CudaBuffer.Of(a, _device, "gemm A");
        var bufferB = CudaBuffer.Of(b, _device, "gemm B");
        var bufferC = CudaBuffer.Of(c, _device, "gemm C");
        var call = ColumnMajorGemm.FromRowMajor(gemm);
        if (call.M == 0 || call.N == 0)
        {
            return;
        }

        // cuBLAS's first operand is the caller's B and its second the caller's A (see ColumnMajorGemm); C is fp32.
        var half = (ulong)gemm.Type.SizeInBytes();
        var first = (void*)(bufferB.DevicePointer + ((ulong)call.OffsetA * half));
        var second = (void*)(bufferA.DevicePointer + ((ulong)call.OffsetB * half));
        var result = (void*)(bufferC.DevicePointer + ((ulong)call.OffsetC * sizeof(float)));
        var type = gemm.Type == DataType.Float16 ? CudaDataType.R16F : CudaDataType.R16BF;
        var alpha = gemm.Alpha;
        var beta = gemm.Beta;
        _device.MakeCurrent();
        CudaCheck.Cublas(
            CublasApi.cublasGemmEx(_handle.DangerousGetHandle(), call.TransA, call.TransB, call.M, call.N, call.K, &alpha,
                first, type, call.Lda, second, type, call.Ldb, &beta, result, CudaDataType.R32F, call.Ldc,
                CublasComputeType.Compute32F, CublasGemmAlgo.Default),
            nameof(CublasApi.cublasGemmEx));
    }

    public void Dispose() => _handle.Dispose();
}
