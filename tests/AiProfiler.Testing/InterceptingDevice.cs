using System.Reflection;
using System.Runtime.ExceptionServices;
using AiProfiler.Abstractions.Devices;
using AiProfiler.Abstractions.Kernels;

namespace AiProfiler.Testing;

/// <summary>
/// A device that forwards everything to an inner device except the tensor operations a test intercepts: a stand-in
/// for a subtly broken backend (to prove a workload's verification notices) or a differently capable one.
/// </summary>
public sealed class InterceptingDevice : IDevice
{
    private readonly IDevice _inner;
    private readonly bool _ownsInner;
    private readonly Dictionary<string, Func<object?[], Func<object?>, object?>> _handlers = new(StringComparer.Ordinal);

    /// <summary>Wraps <paramref name="inner"/>; disposing this disposes it when <paramref name="ownsInner"/>.</summary>
    public InterceptingDevice(IDevice inner, bool ownsInner = true)
    {
        _inner = inner;
        _ownsInner = ownsInner;
        Ops = InterceptingOps.Create(this);
    }

    /// <inheritdoc />
    public DeviceInfo Info => _inner.Info;

    /// <inheritdoc />
    public long AvailableMemoryBytes => _inner.AvailableMemoryBytes;

    /// <inheritdoc />
    public ITensorOps Ops { get; }

    /// <inheritdoc />
    public IKernelCompiler? Kernels => _inner.Kernels;

    /// <summary>
    /// Routes calls of the operation named <paramref name="operation"/> (e.g. <c>nameof(ITensorOps.Gemm)</c>) through
    /// <paramref name="handler"/>, which may rewrite the arguments in place and call the inner operation (the second
    /// argument) or replace it. Returns this device for chaining.
    /// </summary>
    public InterceptingDevice Intercept(string operation, Func<object?[], Func<object?>, object?> handler)
    {
        _handlers[operation] = handler;
        return this;
    }

    /// <inheritdoc />
    public IDeviceBuffer Allocate(long length, DataType type = DataType.Float32) => _inner.Allocate(length, type);

    /// <inheritdoc />
    public void Write<T>(IDeviceBuffer destination, ReadOnlySpan<T> source, long offset = 0)
        where T : unmanaged => _inner.Write(destination, source, offset);

    /// <inheritdoc />
    public void Read<T>(IDeviceBuffer source, Span<T> destination, long offset = 0)
        where T : unmanaged => _inner.Read(source, destination, offset);

    /// <inheritdoc />
    public IDeviceTimer CreateTimer() => _inner.CreateTimer();

    /// <inheritdoc />
    public void Synchronize() => _inner.Synchronize();

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsInner)
        {
            _inner.Dispose();
        }
    }

    private object? Dispatch(MethodInfo method, object?[] args)
    {
        object? Forward()
        {
            try
            {
                return method.Invoke(_inner.Ops, args);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
                throw;
            }
        }

        return _handlers.TryGetValue(method.Name, out var handler) ? handler(args, Forward) : Forward();
    }

    /// <summary>The proxy behind <see cref="Ops"/>; public only because <see cref="DispatchProxy"/> requires it.</summary>
    public class InterceptingOps : DispatchProxy
    {
        private InterceptingDevice? _owner;

        internal static ITensorOps Create(InterceptingDevice owner)
        {
            var proxy = DispatchProxy.Create<ITensorOps, InterceptingOps>();
            ((InterceptingOps)(object)proxy)._owner = owner;
            return proxy;
        }

        /// <inheritdoc />
        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            _owner!.Dispatch(targetMethod!, args ?? []);
    }
}
