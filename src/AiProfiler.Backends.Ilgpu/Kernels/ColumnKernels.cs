using ILGPU;

namespace AiProfiler.Backends.Ilgpu.Kernels;

/// <summary>
/// Column reductions (bias and normalization parameter gradients): a group owns blocks of <c>columnsPerGroup</c>
/// columns in turn (striding over the blocks) and reads each with <c>group size / columnsPerGroup</c> row lanes, then
/// folds the lanes; results are accumulated.
/// </summary>
internal static class ColumnKernels
{
    /// <summary>y[c] += Σ_r x[r,c].</summary>
    [IlgpuKernel]
    public static void SumColumns(ArrayView<float> x, ArrayView<float> y, int rows, int cols, int columnsPerGroup)
    {
        var part = SharedMemory.Allocate<float>(GroupMath.MaxGroup);
        for (var block = Grid.IdxX; block * columnsPerGroup < cols; block += Grid.DimX)
        {
            var (column, firstRow, lanes) = Lane(block, columnsPerGroup);
            var sum = 0f;
            if (column < cols)
            {
                for (var r = firstRow; r < rows; r += lanes)
                {
                    sum += x[(long)r * cols + column];
                }
            }

            GroupMath.AccumulateColumn(part, sum, y, cols, block, columnsPerGroup);
        }
    }

    /// <summary>dγ[c] += Σ_r dy·x̂; dβ[c] += Σ_r dy.</summary>
    [IlgpuKernel]
    public static void LayerNormBackwardParams(ArrayView<float> x, ArrayView<float> mean, ArrayView<float> rstd, ArrayView<float> dy,
        ArrayView<float> dgamma, ArrayView<float> dbeta, int rows, int cols, int columnsPerGroup)
    {
        var part = SharedMemory.Allocate<float>(GroupMath.MaxGroup);
        for (var block = Grid.IdxX; block * columnsPerGroup < cols; block += Grid.DimX)
        {
            var (column, firstRow, lanes) = Lane(block, columnsPerGroup);
            var sumGamma = 0f;
            var sumBeta = 0f;
            if (column < cols)
            {
                for (var r = firstRow; r < rows; r += lanes)
                {
                    var i = (long)r * cols + column;
                    var d = dy[i];
                    sumGamma += d * (x[i] - mean[r]) * rstd[r];
                    sumBeta += d;
                }
            }

            GroupMath.AccumulateColumn(part, sumGamma, dgamma, cols, block, columnsPerGroup);
            GroupMath.AccumulateColumn(part, sumBeta, dbeta, cols, block, columnsPerGroup);
        }
    }

    /// <summary>dγ[c] += Σ_r dy·x·rstd.</summary>
    [IlgpuKernel]
    public static void RmsNormBackwardParams(ArrayView<float> x, ArrayView<float> rstd, ArrayView<float> dy, ArrayView<float> dgamma,
        int rows, int cols, int columnsPerGroup)
    {
        var part = SharedMemory.Allocate<float>(GroupMath.MaxGroup);
        for (var block = Grid.IdxX; block * columnsPerGroup < cols; block += Grid.DimX)
        {
            var (column, firstRow, lanes) = Lane(block, columnsPerGroup);
            var sum = 0f;
            if (column < cols)
            {
                for (var r = firstRow; r < rows; r += lanes)
                {
                    var i = (long)r * cols + column;
                    sum += dy[i] * x[i] * rstd[r];
                }
            }

            GroupMath.AccumulateColumn(part, sum, dgamma, cols, block, columnsPerGroup);
        }
    }

    /// <summary>This item's column, its first row and the number of row lanes of the group.</summary>
    private static (int Column, int FirstRow, int Lanes) Lane(int block, int columnsPerGroup)
    {
        var t = Group.IdxX;
        return (block * columnsPerGroup + t % columnsPerGroup, t / columnsPerGroup, Group.DimX / columnsPerGroup);
    }
}
