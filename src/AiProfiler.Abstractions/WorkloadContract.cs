namespace AiProfiler.Abstractions;

/// <summary>
/// The version of the plugin contract. A plugin compiled against an assembly of this contract with another
/// major version is refused by the host, because the types it was built against may have changed shape.
/// </summary>
public static class WorkloadContract
{
    /// <summary>The major version of this contract assembly (its <c>AssemblyVersion</c> major).</summary>
    public static int MajorVersion => typeof(WorkloadContract).Assembly.GetName().Version?.Major ?? 0;

    /// <summary>The full version of this contract assembly.</summary>
    public static Version Version => typeof(WorkloadContract).Assembly.GetName().Version ?? new Version(0, 0);
}
