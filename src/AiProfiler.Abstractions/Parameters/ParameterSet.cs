using System.Globalization;

namespace AiProfiler.Abstractions.Parameters;

/// <summary>
/// A validated, complete set of parameter values for one workload: every declared parameter has a value (the user's
/// or the default) and no unknown names are present. <see cref="ToString"/> gives the canonical form
/// <c>name=value,...</c> in declaration order, used as the <c>params</c> metric label.
/// </summary>
public sealed class ParameterSet
{
    private readonly IReadOnlyList<ParameterDescriptor> _descriptors;
    private readonly Dictionary<string, string> _values;

    private ParameterSet(IReadOnlyList<ParameterDescriptor> descriptors, Dictionary<string, string> values)
    {
        _descriptors = descriptors;
        _values = values;
    }

    /// <summary>The values by name, in canonical text form.</summary>
    public IReadOnlyDictionary<string, string> Values => _values;

    /// <summary>
    /// Validates <paramref name="supplied"/> against <paramref name="descriptors"/> and fills in defaults.
    /// Throws <see cref="ParameterException"/> naming an unknown parameter (with the known ones) or a bad value.
    /// </summary>
    public static ParameterSet Create(string workloadName, IReadOnlyList<ParameterDescriptor> descriptors, IReadOnlyDictionary<string, string>? supplied = null)
    {
        ArgumentNullException.ThrowIfNull(descriptors);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var d in descriptors)
        {
            values[d.Name] = d.DefaultValue;
        }

        foreach (var (name, text) in supplied ?? new Dictionary<string, string>())
        {
            var descriptor = descriptors.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase))
                ?? throw new ParameterException($"unknown parameter '{name}' for workload '{workloadName}'; known: {string.Join(", ", descriptors.Select(d => d.Name))}");
            values[descriptor.Name] = descriptor.Normalize(text, workloadName);
        }

        return new ParameterSet(descriptors, values);
    }

    /// <summary>The value of an integer parameter.</summary>
    public long GetInt64(string name) => long.Parse(Get(name), CultureInfo.InvariantCulture);

    /// <summary>The value of an integer parameter that must fit in 32 bits (sizes, counts).</summary>
    public int GetInt32(string name) => checked((int)GetInt64(name));

    /// <summary>The value of a number parameter.</summary>
    public double GetDouble(string name) => double.Parse(Get(name), CultureInfo.InvariantCulture);

    /// <summary>The value of a boolean parameter.</summary>
    public bool GetBoolean(string name) => Get(name) == "true";

    /// <summary>The value of a choice or text parameter.</summary>
    public string GetString(string name) => Get(name);

    /// <summary>The canonical <c>name=value,...</c> form, in declaration order.</summary>
    public override string ToString() => string.Join(',', _descriptors.Select(d => $"{d.Name}={_values[d.Name]}"));

    /// <summary>
    /// The parameters that differ from their defaults, <c>name=value,...</c> in declaration order, or <c>defaults</c>:
    /// the <c>params</c> metric label. It identifies the set as well as <see cref="ToString"/> does for one plugin
    /// version, and keeps every exported line short and readable (<c>m=4096,n=4096,k=4096</c>).
    /// </summary>
    public string ToLabel()
    {
        var changed = _descriptors.Where(d => _values[d.Name] != d.DefaultValue).Select(d => $"{d.Name}={_values[d.Name]}").ToArray();
        return changed.Length > 0 ? string.Join(',', changed) : "defaults";
    }

    private string Get(string name) =>
        _values.TryGetValue(name, out var v) ? v : throw new KeyNotFoundException($"workload has no parameter '{name}'");
}
