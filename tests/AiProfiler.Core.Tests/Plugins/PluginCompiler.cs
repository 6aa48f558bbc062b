using System.Reflection;
using AiProfiler.Abstractions.Workloads;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace AiProfiler.Core.Tests.Plugins;

/// <summary>Compiles plugin assemblies from source at test time, so each bad-plugin case is a real DLL on disk.</summary>
internal static class PluginCompiler
{
    private static readonly Lazy<MetadataReference[]> Framework = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll")
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToArray());

    public static MetadataReference Contract => MetadataReference.CreateFromFile(typeof(IWorkload).Assembly.Location);

    /// <summary>Compiles <paramref name="source"/> into <paramref name="folder"/>/<paramref name="name"/>.dll.</summary>
    public static string CompileTo(string folder, string name, string source, params MetadataReference[] references)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name + ".dll");
        var image = Compile(name, source, references.Length > 0 ? references : [Contract]);
        File.WriteAllBytes(path, image);
        return path;
    }

    public static byte[] Compile(string name, string source, IEnumerable<MetadataReference> references)
    {
        var compilation = CSharpCompilation.Create(
            name,
            [CSharpSyntaxTree.ParseText(source)],
            Framework.Value.Concat(references),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        if (!result.Success)
        {
            throw new InvalidOperationException("fixture did not compile: " + string.Join("; ", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        }

        return stream.ToArray();
    }

    /// <summary>A contract assembly with another major version, to build a plugin "from the future".</summary>
    public static MetadataReference ContractVersion(int major) => MetadataReference.CreateFromImage(Compile(
        "AiProfiler.Abstractions",
        $"[assembly: System.Reflection.AssemblyVersion(\"{major}.0.0.0\")] namespace AiProfiler.Abstractions.Workloads {{ public interface IWorkload {{ string Name {{ get; }} }} }}",
        []));

    /// <summary>Source of a minimal valid workload named <paramref name="workloadName"/>; the constructor runs <paramref name="constructorBody"/>.</summary>
    public static string WorkloadSource(string workloadName, string constructorBody = "", string className = "FixtureWorkload") => $$"""
        using System;
        using System.Collections.Generic;
        using AiProfiler.Abstractions.Devices;
        using AiProfiler.Abstractions.Parameters;
        using AiProfiler.Abstractions.Workloads;
        public sealed class {{className}} : IWorkload
        {
            public {{className}}() { {{constructorBody}} }
            public string Name => "{{workloadName}}";
            public string Description => "fixture";
            public IReadOnlyList<ParameterDescriptor> Parameters { get; } = new[] { ParameterDescriptor.Integer("size", 4, 1, 100, "size") };
            public long EstimateMemoryBytes(ParameterSet parameters) => 0;
            public IPreparedWorkload Prepare(IDevice device, ParameterSet parameters) => throw new NotSupportedException("fixture");
        }
        """;

    public static string AssemblyDirectory => Path.GetDirectoryName(typeof(PluginCompiler).GetTypeInfo().Assembly.Location)!;
}
