using System.Globalization;

namespace AiProfiler.Abstractions.Parameters;

/// <summary>
/// Declares one typed parameter of a workload: its name, default, valid range or choices, and a description shown
/// by <c>aiprofiler workloads</c>. Create instances with the static factory methods.
/// </summary>
public sealed record ParameterDescriptor
{
    private ParameterDescriptor(string name, ParameterKind kind, string defaultValue, string description)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Any(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_')))
        {
            throw new ArgumentException($"parameter name '{name}' is invalid; use lower-case letters, digits and '_'", nameof(name));
        }

        Name = name;
        Kind = kind;
        DefaultValue = defaultValue;
        Description = description;
    }

    /// <summary>The name used in <c>--param name=value</c> and in configuration.</summary>
    public string Name { get; }

    /// <summary>The parameter's type.</summary>
    public ParameterKind Kind { get; }

    /// <summary>The default, in the same text form a user would type.</summary>
    public string DefaultValue { get; }

    /// <summary>What the parameter controls, with its unit.</summary>
    public string Description { get; }

    /// <summary>Inclusive lower bound for <see cref="ParameterKind.Integer"/> and <see cref="ParameterKind.Number"/>.</summary>
    public double? Minimum { get; private init; }

    /// <summary>Inclusive upper bound for <see cref="ParameterKind.Integer"/> and <see cref="ParameterKind.Number"/>.</summary>
    public double? Maximum { get; private init; }

    /// <summary>The accepted values of a <see cref="ParameterKind.Choice"/> parameter.</summary>
    public IReadOnlyList<string> Choices { get; private init; } = [];

    /// <summary>Declares an integer parameter.</summary>
    public static ParameterDescriptor Integer(string name, long defaultValue, long minimum, long maximum, string description)
    {
        if (defaultValue < minimum || defaultValue > maximum)
        {
            throw new ArgumentOutOfRangeException(nameof(defaultValue), $"default {defaultValue} of '{name}' is outside [{minimum}, {maximum}]");
        }

        return new ParameterDescriptor(name, ParameterKind.Integer, defaultValue.ToString(CultureInfo.InvariantCulture), description)
        {
            Minimum = minimum,
            Maximum = maximum,
        };
    }

    /// <summary>Declares a floating-point parameter.</summary>
    public static ParameterDescriptor Number(string name, double defaultValue, double minimum, double maximum, string description)
    {
        if (defaultValue < minimum || defaultValue > maximum)
        {
            throw new ArgumentOutOfRangeException(nameof(defaultValue), $"default {defaultValue} of '{name}' is outside [{minimum}, {maximum}]");
        }

        return new ParameterDescriptor(name, ParameterKind.Number, defaultValue.ToString("R", CultureInfo.InvariantCulture), description)
        {
            Minimum = minimum,
            Maximum = maximum,
        };
    }

    /// <summary>Declares a boolean parameter.</summary>
    public static ParameterDescriptor Boolean(string name, bool defaultValue, string description) =>
        new(name, ParameterKind.Boolean, defaultValue ? "true" : "false", description);

    /// <summary>Declares a parameter that takes one of <paramref name="choices"/>.</summary>
    public static ParameterDescriptor Choice(string name, string defaultValue, IReadOnlyList<string> choices, string description)
    {
        ArgumentNullException.ThrowIfNull(choices);
        if (!choices.Contains(defaultValue, StringComparer.Ordinal))
        {
            throw new ArgumentException($"default '{defaultValue}' of '{name}' is not one of {string.Join(", ", choices)}", nameof(defaultValue));
        }

        return new ParameterDescriptor(name, ParameterKind.Choice, defaultValue, description) { Choices = choices.ToArray() };
    }

    /// <summary>Declares a free-text parameter (empty by default).</summary>
    public static ParameterDescriptor Text(string name, string defaultValue, string description) =>
        new(name, ParameterKind.Text, defaultValue, description);

    /// <summary>A compact description of the accepted values, e.g. <c>integer 1..65536</c>.</summary>
    public string Range => Kind switch
    {
        ParameterKind.Integer => string.Create(CultureInfo.InvariantCulture, $"integer {Minimum}..{Maximum}"),
        ParameterKind.Number => string.Create(CultureInfo.InvariantCulture, $"number {Minimum}..{Maximum}"),
        ParameterKind.Boolean => "true|false",
        ParameterKind.Choice => string.Join('|', Choices),
        _ => "text",
    };

    /// <summary>
    /// Parses and validates <paramref name="text"/>; returns the canonical text form (e.g. <c>1024</c>, <c>true</c>).
    /// Throws <see cref="ParameterException"/> with a message naming the parameter, the value and what is accepted.
    /// </summary>
    public string Normalize(string text, string workloadName)
    {
        ArgumentNullException.ThrowIfNull(text);
        var value = text.Trim();
        switch (Kind)
        {
            case ParameterKind.Integer:
                if (!long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l))
                {
                    throw new ParameterException($"parameter '{Name}' of workload '{workloadName}' must be an integer, got '{text}'; accepted: {Range}");
                }

                if (l < Minimum || l > Maximum)
                {
                    throw new ParameterException($"parameter '{Name}' of workload '{workloadName}' is {l}, outside {Range}");
                }

                return l.ToString(CultureInfo.InvariantCulture);
            case ParameterKind.Number:
                if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || !double.IsFinite(d))
                {
                    throw new ParameterException($"parameter '{Name}' of workload '{workloadName}' must be a number, got '{text}'; accepted: {Range}");
                }

                if (d < Minimum || d > Maximum)
                {
                    throw new ParameterException($"parameter '{Name}' of workload '{workloadName}' is {d.ToString(CultureInfo.InvariantCulture)}, outside {Range}");
                }

                return d.ToString("R", CultureInfo.InvariantCulture);
            case ParameterKind.Boolean:
                if (!bool.TryParse(value, out var b))
                {
                    throw new ParameterException($"parameter '{Name}' of workload '{workloadName}' must be true or false, got '{text}'");
                }

                return b ? "true" : "false";
            case ParameterKind.Choice:
                var match = Choices.FirstOrDefault(c => string.Equals(c, value, StringComparison.OrdinalIgnoreCase));
                return match ?? throw new ParameterException($"parameter '{Name}' of workload '{workloadName}' is '{text}', not one of {Range}");
            default:
                return value;
        }
    }
}
