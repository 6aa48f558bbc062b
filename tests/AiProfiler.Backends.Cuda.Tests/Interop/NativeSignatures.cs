using System.Reflection;
using System.Runtime.InteropServices;
using AiProfiler.Backends.Cuda.Interop;

namespace AiProfiler.Backends.Cuda.Tests.Interop;

/// <summary>
/// Compares <c>LibraryImport</c> declarations with C prototypes written as text, e.g.
/// <c>CUresult cuMemAlloc_v2(CUdeviceptr* dptr, size_t bytesize)</c>. A C pointer <c>T*</c> may be bound as
/// <c>T*</c>, <c>ref T</c> or <c>out T</c> (the same machine word); <c>char*</c> also as <c>nint</c> (a string the
/// library owns) and, when const, as a marshalled <c>string</c>; <c>void*</c> also as <c>nint</c>. Opaque handles
/// are pointers, bound as <c>nint</c>. Every other type must match exactly, including the width of enums.
/// </summary>
internal static class NativeSignatures
{
    private static readonly Dictionary<string, Type> BaseTypes = new(StringComparer.Ordinal)
    {
        ["void"] = typeof(void),
        ["int"] = typeof(int),
        ["unsigned int"] = typeof(uint),
        ["unsigned char"] = typeof(byte),
        ["char"] = typeof(byte),
        ["float"] = typeof(float),
        ["long long int"] = typeof(long),
        ["size_t"] = typeof(nuint),
        ["CUresult"] = typeof(CuResult),
        ["CUdevice"] = typeof(int),
        ["CUdeviceptr"] = typeof(ulong),
        ["CUdevice_attribute"] = typeof(CuDeviceAttribute),
        ["CUcontext"] = typeof(nint),
        ["CUmodule"] = typeof(nint),
        ["CUfunction"] = typeof(nint),
        ["CUstream"] = typeof(nint),
        ["CUevent"] = typeof(nint),
        ["nvrtcResult"] = typeof(NvrtcResult),
        ["nvrtcProgram"] = typeof(nint),
        ["cublasStatus_t"] = typeof(CublasStatus),
        ["cublasHandle_t"] = typeof(nint),
        ["cudaStream_t"] = typeof(nint),
        ["cublasOperation_t"] = typeof(CublasOperation),
        ["cublasMath_t"] = typeof(CublasMath),
        ["cudaDataType"] = typeof(CudaDataType),
        ["cublasComputeType_t"] = typeof(CublasComputeType),
        ["cublasGemmAlgo_t"] = typeof(CublasGemmAlgo),
    };

    /// <summary>Asserts that <paramref name="bindings"/> declares exactly the prototypes given, with matching types.</summary>
    internal static void AssertMatch(Type bindings, IReadOnlyList<string> prototypes)
    {
        var imports = bindings.GetMethods(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public)
            .Where(m => m.GetCustomAttribute<LibraryImportAttribute>() is not null)
            .ToDictionary(m => m.GetCustomAttribute<LibraryImportAttribute>()!.EntryPoint ?? m.Name, StringComparer.Ordinal);

        var parsed = prototypes.Select(Parse).ToArray();
        Assert.Equal(parsed.Select(p => p.Name).Order(StringComparer.Ordinal), imports.Keys.Order(StringComparer.Ordinal));
        foreach (var prototype in parsed)
        {
            var method = imports[prototype.Name];
            var returnTypes = Acceptable(prototype.ReturnType, isReturn: true);
            Assert.True(returnTypes.Contains(method.ReturnType),
                $"{prototype.Name} returns {method.ReturnType} but the header says {prototype.ReturnType}");
            var parameters = method.GetParameters();
            Assert.True(parameters.Length == prototype.Parameters.Count,
                $"{prototype.Name} has {parameters.Length} parameters but the header has {prototype.Parameters.Count}");
            for (var i = 0; i < parameters.Length; i++)
            {
                var (cType, cName) = prototype.Parameters[i];
                var accepted = Acceptable(cType, isReturn: false);
                Assert.True(accepted.Contains(parameters[i].ParameterType),
                    $"{prototype.Name} parameter {i} ({parameters[i].Name}) is {parameters[i].ParameterType} but the header has '{cType} {cName}'");
            }
        }
    }

    internal static (string ReturnType, string Name, IReadOnlyList<(string Type, string Name)> Parameters) Parse(string prototype)
    {
        var open = prototype.IndexOf('(', StringComparison.Ordinal);
        var head = prototype[..open].Trim();
        var split = head.LastIndexOfAny([' ', '*']);
        var returnType = head[..(split + 1)].Trim();
        var name = head[(split + 1)..];
        var list = prototype[(open + 1)..prototype.LastIndexOf(')')].Trim();
        var parameters = list is "" or "void"
            ? []
            : list.Split(',').Select(p =>
            {
                var text = p.Trim();
                var at = text.LastIndexOfAny([' ', '*']);
                return (Type: text[..(at + 1)].Trim(), Name: text[(at + 1)..]);
            }).ToList();
        return (returnType, name, parameters);
    }

    internal static HashSet<Type> Acceptable(string cType, bool isReturn)
    {
        var isConst = cType.StartsWith("const ", StringComparison.Ordinal);
        var text = (isConst ? cType[6..] : cType).Replace(" const", "", StringComparison.Ordinal).Replace(" *", "*", StringComparison.Ordinal);
        var depth = text.Count(c => c == '*');
        var baseName = text.TrimEnd('*').Trim();
        Assert.True(BaseTypes.TryGetValue(baseName, out var baseType), $"no .NET mapping for C type '{baseName}'");

        // Each level of indirection: T* as a pointer, or (outermost only, for parameters) as ref/out T.
        var forms = new HashSet<Type> { baseType };
        for (var level = 1; level <= depth; level++)
        {
            var next = new HashSet<Type>();
            foreach (var form in forms.Where(f => f != typeof(string) && !f.IsByRef))
            {
                next.Add(form.MakePointerType());
                if (level == depth && !isReturn && form != typeof(void))
                {
                    next.Add(form.MakeByRefType());
                }
            }

            if (level == 1 && baseType == typeof(byte))
            {
                next.Add(typeof(nint));
                if (isConst && !isReturn)
                {
                    next.Add(typeof(string));
                }
            }

            if (level == 1 && baseType == typeof(void))
            {
                next.Add(typeof(nint));
            }

            if (level == depth && level > 1 && !isReturn && next.Contains(typeof(nint).MakePointerType()))
            {
                next.Add(typeof(nint).MakeByRefType());
            }

            forms = next;
        }

        return forms;
    }
}
