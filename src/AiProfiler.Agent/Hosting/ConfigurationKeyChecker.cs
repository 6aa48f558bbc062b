using System.Collections;
using System.Globalization;
using System.Reflection;
using AiProfiler.Core.Calibration;
using AiProfiler.Core.Plugins;
using AiProfiler.Core.Scheduling;
using AiProfiler.Core.Workers;
using AiProfiler.Exporters.Prometheus;
using Microsoft.Extensions.Configuration.EnvironmentVariables;

namespace AiProfiler.Agent.Hosting;

/// <summary>
/// Checks every configuration key against the options types it binds to before anything is bound, so each mistake is
/// named by its full key (<c>Schedule:Jobs:7:IntervalSecond: unknown key; ...</c>) instead of the binder's message,
/// which names neither the key nor, for a list entry, its position in the file.
/// </summary>
internal static class ConfigurationKeyChecker
{
    /// <summary>
    /// The sections and the options types they bind to; null for sections checked by their owner (Logging is free-form,
    /// Samplers has its own reader, Kestrel is checked below) or, like Metrics, only made of the sections listed here.
    /// A new section must be added here, or every key in it is refused as unknown.
    /// </summary>
    private static readonly Dictionary<string, Type?> Sections = new(StringComparer.OrdinalIgnoreCase)
    {
        [AdviseOptions.SectionName] = typeof(AdviseOptions),
        [CalibrationOptions.SectionName] = typeof(CalibrationOptions),
        ["Logging"] = null,
        ["Kestrel"] = null,
        ["Metrics"] = null,
        ["Metrics:Prometheus"] = typeof(PrometheusExporterOptions),
        ["Metrics:Otlp"] = typeof(OtlpPushOptions),
        ["Plugins"] = typeof(PluginCatalogOptions),
        ["Samplers"] = null,
        [ScheduleOptions.SectionName] = typeof(ScheduleOptions),
        [WorkerOptions.SectionName] = typeof(WorkerOptions),
    };

    /// <summary>Returns one line per problem, each starting with its key; empty when every key is known and readable.</summary>
    public static IReadOnlyList<string> Check(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var errors = new List<string>();
        var switches = EnvironmentSwitches(configuration);
        CheckSections(configuration.GetChildren().Where(c => !switches.Contains(c.Key)), "", errors);

        // Kestrel's own endpoints would silently replace the addresses given with --urls.
        if (configuration.GetSection("Kestrel:Endpoints").Exists())
        {
            errors.Add("Kestrel:Endpoints: the agent listens where --urls says; remove Kestrel:Endpoints and pass the addresses with --urls (a certificate may stay under Kestrel:Certificates)");
        }

        return errors;
    }

    /// <summary>
    /// Variables such as <c>AIPROFILER_CPU_GEMM=simd</c> share the prefix but are switches read by the backends, not
    /// configuration: top-level values that come only from the environment.
    /// </summary>
    private static HashSet<string> EnvironmentSwitches(IConfiguration configuration)
    {
        var switches = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (configuration is IConfigurationRoot root)
        {
            foreach (var provider in root.Providers.OfType<EnvironmentVariablesConfigurationProvider>())
            {
                foreach (var key in provider.GetChildKeys([], null).Distinct(StringComparer.OrdinalIgnoreCase))
                {
                    if (provider.TryGet(key, out _) && !root.Providers.Any(p => p is not EnvironmentVariablesConfigurationProvider && p.GetChildKeys([], null).Contains(key, StringComparer.OrdinalIgnoreCase)))
                    {
                        switches.Add(key);
                    }
                }
            }
        }

        return switches;
    }

    private static void CheckSections(IEnumerable<IConfigurationSection> sections, string parent, List<string> errors)
    {
        foreach (var section in sections)
        {
            if (!Sections.TryGetValue(section.Path, out var type))
            {
                var known = Sections.Keys.Where(k => k.LastIndexOf(':') == parent.Length - 1 && k.StartsWith(parent, StringComparison.OrdinalIgnoreCase))
                    .Select(k => k[parent.Length..]);
                errors.Add($"{section.Path}: unknown section; known {(parent.Length == 0 ? "sections" : $"parts of {parent.TrimEnd(':')}")}: {string.Join(", ", known.Order(StringComparer.Ordinal))}");
            }
            else if (type is not null)
            {
                CheckObject(section, type, errors);
            }
            else if (Sections.Keys.Any(k => k.StartsWith(section.Path + ":", StringComparison.OrdinalIgnoreCase)))
            {
                CheckSections(section.GetChildren(), section.Path + ":", errors);
            }
        }
    }

    private static void CheckObject(IConfigurationSection section, Type type, List<string> errors)
    {
        if (section.Value is not null)
        {
            errors.Add($"{section.Path}: '{section.Value}' is a value; it must be a section with {string.Join(", ", Properties(type).Select(p => p.Name))}");
            return;
        }

        foreach (var child in section.GetChildren())
        {
            var property = Properties(type).FirstOrDefault(p => string.Equals(p.Name, child.Key, StringComparison.OrdinalIgnoreCase));
            if (property is null)
            {
                errors.Add($"{child.Path}: unknown key; {section.Path} accepts {string.Join(", ", Properties(type).Select(p => p.Name))}");
            }
            else
            {
                CheckValue(child, property.PropertyType, errors);
            }
        }
    }

    private static void CheckValue(IConfigurationSection setting, Type type, List<string> errors)
    {
        // An optional setting (int? Threads) is read as its underlying type.
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string) || type.IsPrimitive || type.IsEnum)
        {
            if (setting.Value is null)
            {
                // An empty JSON object or array has no value and no children: nothing to read, so nothing is set.
                if (setting.GetChildren().Any())
                {
                    errors.Add($"{setting.Path}: is a section; it must be a single {Describe(type)}");
                }
            }
            else if (Problem(setting.Value, type) is { } problem)
            {
                errors.Add($"{setting.Path}: '{setting.Value}' {problem}");
            }

            return;
        }

        if (ElementType(type, typeof(IDictionary<,>)) is { } valueType)
        {
            foreach (var entry in setting.GetChildren())
            {
                CheckValue(entry, valueType, errors);
            }

            return;
        }

        if (ElementType(type, typeof(IList<>)) is { } elementType)
        {
            var entries = setting.GetChildren().ToArray();
            var numbered = entries.Select(e => int.TryParse(e.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : -1).ToArray();
            for (var i = 0; i < entries.Length; i++)
            {
                if (numbered[i] < 0)
                {
                    errors.Add($"{entries[i].Path}: '{entries[i].Key}' is not a list position; {setting.Path} is a list (in JSON [ ... ]; in a variable __0__, __1__, ...)");
                }
                else
                {
                    if (numbered[i] >= entries.Length)
                    {
                        // The binder packs list entries, so with a gap this entry and later errors would name another position.
                        var missing = Enumerable.Range(0, entries.Length).First(n => !numbered.Contains(n));
                        var packed = numbered.Count(n => n >= 0 && n < numbered[i]);
                        errors.Add(string.Create(CultureInfo.InvariantCulture,
                            $"{entries[i].Path}: {setting.Path} has no entry {missing}; number list entries from 0 without gaps (this one would be read as {setting.Path}:{packed})"));
                    }

                    CheckValue(entries[i], elementType, errors);
                }
            }

            return;
        }

        CheckObject(setting, type, errors);
    }

    /// <summary>Why <paramref name="text"/> cannot be read as <paramref name="type"/>, or null when it can.</summary>
    private static string? Problem(string text, Type type)
    {
        if (type == typeof(string))
        {
            return null;
        }

        if (type == typeof(bool))
        {
            return bool.TryParse(text, out _) ? null : "is not true or false";
        }

        if (type == typeof(int) || type == typeof(long))
        {
            if (!long.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out var value))
            {
                return text.Trim().TrimStart('-', '+').All(char.IsAsciiDigit) ? "is too large" : "is not a whole number";
            }

            return type == typeof(int) && value is > int.MaxValue or < int.MinValue ? "is too large" : null;
        }

        if (type == typeof(double))
        {
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) ? null : "is not a number";
        }

        if (type.IsEnum)
        {
            return Enum.TryParse(type, text, ignoreCase: true, out _) ? null : $"is not one of {string.Join(", ", Enum.GetNames(type))}";
        }

        return null;
    }

    private static string Describe(Type type) =>
        type == typeof(bool) ? "true or false" : type == typeof(string) ? "text" : type.IsEnum ? "name" : "number";

    private static IEnumerable<PropertyInfo> Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0);

    /// <summary>The last type argument of <paramref name="generic"/> when <paramref name="type"/> is or implements it.</summary>
    private static Type? ElementType(Type type, Type generic)
    {
        if (!typeof(IEnumerable).IsAssignableFrom(type))
        {
            return null;
        }

        var match = type.IsGenericType && type.GetGenericTypeDefinition() == generic
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == generic);
        return match?.GetGenericArguments()[^1];
    }
}
