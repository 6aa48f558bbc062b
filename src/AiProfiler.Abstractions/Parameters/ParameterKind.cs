namespace AiProfiler.Abstractions.Parameters;

/// <summary>The type of a workload parameter.</summary>
public enum ParameterKind
{
    /// <summary>A 64-bit integer within an inclusive range.</summary>
    Integer,

    /// <summary>A double-precision number within an inclusive range.</summary>
    Number,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary>One of a fixed list of strings (e.g. a precision or a preset name).</summary>
    Choice,

    /// <summary>Free text, such as a path to a local weights file; empty when unset.</summary>
    Text,
}
