using ILGPU;

namespace AiProfiler.Backends.Ilgpu.Kernels;

/// <summary>
/// Tiled GEMM: a group of side × side items computes (4·side)² blocks of C in turn (striding over every block of every
/// batch), each item a 4 × 4 micro-tile at rows
/// ty + i·side and columns tx + j·side (so neighbouring items touch neighbouring addresses), staging 16-deep slices of
/// op(A) and op(B) in shared memory. Any transposes, leading dimensions, offsets, strided batches and sizes;
/// fp32, fp16 and bf16 elements with fp32 accumulation.
/// </summary>
internal static class GemmKernels
{
    /// <summary>Rows and columns of C per item.</summary>
    public const int Micro = 4;

    /// <summary>The largest group side (16 × 16 items on GPUs).</summary>
    public const int MaxSide = 16;

    /// <summary>The depth of the staged slices of op(A) and op(B).</summary>
    public const int Depth = 16;

    private const int MaxBlock = MaxSide * Micro;

    [IlgpuKernel]
    public static void Tiled(ArrayView<float> a32, ArrayView<ushort> a16, ArrayView<float> b32, ArrayView<ushort> b16,
        ArrayView<float> c32, ArrayView<ushort> c16, GemmArguments g)
    {
        var tileA = SharedMemory.Allocate<float>(MaxBlock * Depth);
        var tileB = SharedMemory.Allocate<float>(Depth * MaxBlock);
        var acc = LocalMemory.Allocate<float>(Micro * Micro);
        var block = Group.DimX * Micro;
        var tilesN = (g.N + block - 1) / block;
        var tilesM = (g.M + block - 1) / block;
        for (var unit = (long)Grid.IdxX; unit < (long)tilesN * tilesM * g.BatchCount; unit += Grid.DimX)
        {
            var tiles = unit / tilesN;
            Block(a32, a16, b32, b16, c32, c16, g, tileA, tileB, acc, (int)(tiles % tilesM) * block, (int)(unit % tilesN) * block, tiles / tilesM);
        }
    }

    /// <summary>One block of C: rows from <paramref name="rowBase"/>, columns from <paramref name="colBase"/>, of batch <paramref name="batch"/>.</summary>
    private static void Block(ArrayView<float> a32, ArrayView<ushort> a16, ArrayView<float> b32, ArrayView<ushort> b16,
        ArrayView<float> c32, ArrayView<ushort> c16, GemmArguments g, ArrayView<float> tileA, ArrayView<float> tileB, ArrayView<float> acc,
        int rowBase, int colBase, long batch)
    {
        var tx = Group.IdxX;
        var ty = Group.IdxY;
        var side = Group.DimX;
        var block = side * Micro;
        var items = side * side;
        var item = ty * side + tx;
        var offsetA = g.OffsetA + batch * g.StrideA;
        var offsetB = g.OffsetB + batch * g.StrideB;
        var offsetC = g.OffsetC + batch * g.StrideC;
        for (var i = 0; i < Micro * Micro; i++)
        {
            acc[i] = 0f;
        }

        for (var k0 = 0; k0 < g.K; k0 += Depth)
        {
            for (var e = item; e < block * Depth; e += items)
            {
                var row = rowBase + e / Depth;
                var k = k0 + e % Depth;
                var value = 0f;
                if (row < g.M && k < g.K)
                {
                    var index = g.TransposeA != 0 ? offsetA + (long)k * g.LdA + row : offsetA + (long)row * g.LdA + k;
                    value = HalfBits.Load(a32, a16, index, g.Type);
                }

                tileA[e] = value;
            }

            for (var e = item; e < Depth * block; e += items)
            {
                var k = k0 + e / block;
                var col = colBase + e % block;
                var value = 0f;
                if (col < g.N && k < g.K)
                {
                    var index = g.TransposeB != 0 ? offsetB + (long)col * g.LdB + k : offsetB + (long)k * g.LdB + col;
                    value = HalfBits.Load(b32, b16, index, g.Type);
                }

                tileB[e] = value;
            }

            Group.Barrier();
            for (var kk = 0; kk < Depth; kk++)
            {
                var b0 = tileB[kk * block + tx];
                var b1 = tileB[kk * block + tx + side];
                var b2 = tileB[kk * block + tx + 2 * side];
                var b3 = tileB[kk * block + tx + 3 * side];
                for (var i = 0; i < Micro; i++)
                {
                    var a = tileA[(ty + i * side) * Depth + kk];
                    acc[i * Micro] += a * b0;
                    acc[i * Micro + 1] += a * b1;
                    acc[i * Micro + 2] += a * b2;
                    acc[i * Micro + 3] += a * b3;
                }
            }

            Group.Barrier();
        }

        for (var i = 0; i < Micro; i++)
        {
            var row = rowBase + ty + i * side;
            for (var j = 0; j < Micro; j++)
            {
                var col = colBase + tx + j * side;
                if (row < g.M && col < g.N)
                {
                    var index = offsetC + (long)row * g.LdC + col;
                    var product = g.Alpha * acc[i * Micro + j];
                    HalfBits.Store(c32, c16, index, g.Type, g.Beta == 0f ? product : product + g.Beta * HalfBits.Load(c32, c16, index, g.Type));
                }
            }
        }
    }
}
