namespace AiProfiler.Backends.Ilgpu.Kernels;

/// <summary>
/// Marks a method as an explicitly grouped ILGPU kernel of the bundled tensor operations, so the tests find every
/// kernel (to run it on <c>ilgpu-cpu</c> and to generate its PTX) without a list that could fall behind.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
internal sealed class IlgpuKernelAttribute : Attribute
{
}
