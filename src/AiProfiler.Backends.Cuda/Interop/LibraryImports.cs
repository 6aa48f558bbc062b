using System.Reflection;
using System.Runtime.InteropServices;

namespace AiProfiler.Backends.Cuda.Interop;

/// <summary>Lists the native entry points a binding class declares, so a library can be checked before it is bound.</summary>
internal static class LibraryImports
{
    internal static IReadOnlyList<string> EntryPointsOf(Type bindings) =>
        bindings.GetMethods(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public)
            .Select(m => (Method: m, Import: m.GetCustomAttribute<LibraryImportAttribute>()))
            .Where(x => x.Import is not null)
            .Select(x => x.Import!.EntryPoint ?? x.Method.Name)
            .Distinct(StringComparer.Ordinal)
            .ToArray();
}
