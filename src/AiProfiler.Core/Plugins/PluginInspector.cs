using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace AiProfiler.Core.Plugins;

/// <summary>Reads a DLL's metadata without loading it, to find plugin entry assemblies and their contract version.</summary>
internal static class PluginInspector
{
    public const string ContractAssemblyName = "AiProfiler.Abstractions";

    /// <summary>What a file in a plugin folder is.</summary>
    public enum Kind
    {
        /// <summary>A native library or a resource: not ours to inspect.</summary>
        NotManaged,

        /// <summary>A managed assembly that does not reference the contract: a private dependency.</summary>
        Dependency,

        /// <summary>A managed assembly referencing the contract: where workloads live.</summary>
        Entry,
    }

    /// <summary>
    /// Classifies <paramref name="path"/>; for an entry assembly, returns the contract version it was compiled
    /// against. Throws <see cref="BadImageFormatException"/> for a file that is not a valid PE image.
    /// </summary>
    public static (Kind Kind, Version? ContractVersion) Inspect(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        if (!pe.HasMetadata)
        {
            // PEReader is lazy: touching the headers validates that this is a PE file at all.
            _ = pe.PEHeaders;
            return (Kind.NotManaged, null);
        }

        var reader = pe.GetMetadataReader();
        if (!reader.IsAssembly)
        {
            return (Kind.NotManaged, null);
        }

        var self = reader.GetString(reader.GetAssemblyDefinition().Name);
        if (self == ContractAssemblyName)
        {
            return (Kind.NotManaged, null);
        }

        foreach (var handle in reader.AssemblyReferences)
        {
            var reference = reader.GetAssemblyReference(handle);
            if (reader.GetString(reference.Name) == ContractAssemblyName)
            {
                return (Kind.Entry, reference.Version);
            }
        }

        return (Kind.Dependency, null);
    }

    public static string ReadVersion(string path)
    {
        try
        {
            return AssemblyName.GetAssemblyName(path).Version?.ToString() ?? "";
        }
        catch (BadImageFormatException)
        {
            return "";
        }
    }
}
