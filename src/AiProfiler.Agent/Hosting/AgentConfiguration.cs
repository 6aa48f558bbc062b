using System.Globalization;
using System.Text.Json;

namespace AiProfiler.Agent.Hosting;

/// <summary>
/// Where configuration comes from: the file given with <c>--config</c> or, without one, the <c>appsettings.json</c>
/// beside the agent; then environment variables prefixed <c>AIPROFILER_</c> (<c>AIPROFILER_Schedule__Enabled=false</c>).
/// A <c>--config</c> file replaces the bundled file rather than layering over it, because configuration lists merge
/// entry by entry: a user's second job would otherwise inherit the parameters of the bundled second job.
/// </summary>
internal static class AgentConfiguration
{
    public const string EnvironmentPrefix = "AIPROFILER_";

    public static void AddSources(IConfigurationBuilder builder, string? configFile)
    {
        if (configFile is null)
        {
            var bundled = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
            if (File.Exists(bundled))
            {
                CheckJson(bundled);
                builder.AddJsonFile(bundled, optional: true, reloadOnChange: false);
            }
        }
        else
        {
            var full = Path.GetFullPath(configFile);
            if (!File.Exists(full))
            {
                throw new FileNotFoundException($"configuration file '{configFile}' does not exist; check the --config path", full);
            }

            CheckJson(full);
            builder.AddJsonFile(full, optional: false, reloadOnChange: false);
        }

        builder.AddEnvironmentVariables(EnvironmentPrefix);
    }

    public static IConfiguration Build(string? configFile, string? pluginsDirectory)
    {
        var builder = new ConfigurationBuilder();
        AddSources(builder, configFile);
        if (pluginsDirectory is not null)
        {
            builder.AddInMemoryCollection([new("Plugins:Directory", Path.GetFullPath(pluginsDirectory)), new("Plugins:HotReload", "false")]);
        }
        else
        {
            builder.AddInMemoryCollection([new("Plugins:HotReload", "false")]);
        }

        var configuration = builder.Build();
        Check(configuration);
        return configuration;
    }

    /// <summary>
    /// Refuses configuration that would bind to something other than what the user wrote: an unknown section or key, a
    /// value of the wrong type, a list with gaps, Kestrel endpoints that would override <c>--urls</c>. Throws one
    /// <see cref="InvalidDataException"/> naming every such key.
    /// </summary>
    public static void Check(IConfiguration configuration)
    {
        var errors = ConfigurationKeyChecker.Check(configuration);
        if (errors.Count > 0)
        {
            throw new InvalidDataException(string.Join("; ", errors));
        }
    }

    /// <summary>
    /// Parses the file first, so a syntax error is reported as one line with its position instead of the
    /// configuration library's nested exception, and so are the two things the library refuses without saying where:
    /// a top level that is not an object, and a key given twice (keys are case-insensitive).
    /// </summary>
    private static void CheckJson(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"configuration file '{path}' holds {Describe(document.RootElement.ValueKind)} at the top; it must hold one JSON object {{ ... }}. Fix the file.");
            }

            if (DuplicateKey(document.RootElement, "") is { } duplicate)
            {
                throw new InvalidDataException($"configuration file '{path}' has the key '{duplicate}' twice (keys ignore case); keep one. Fix the file.");
            }
        }
        catch (JsonException ex)
        {
            var reason = ex.Message.Split(" LineNumber", 2)[0].Trim();
            throw new InvalidDataException($"configuration file '{path}' is not valid JSON at line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}: {reason} Fix the file.", ex);
        }
    }

    /// <summary>The configuration key (<c>Schedule:Jobs:0:Iterations</c>) of the first key that appears twice in one object, or null.</summary>
    private static string? DuplicateKey(JsonElement element, string path)
    {
        var prefix = path.Length > 0 ? path + ":" : "";
        if (element.ValueKind == JsonValueKind.Object)
        {
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var property in element.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                {
                    return prefix + property.Name;
                }

                if (DuplicateKey(property.Value, prefix + property.Name) is { } inner)
                {
                    return inner;
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var item in element.EnumerateArray())
            {
                if (DuplicateKey(item, prefix + index.ToString(CultureInfo.InvariantCulture)) is { } inner)
                {
                    return inner;
                }

                index++;
            }
        }

        return null;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "a list [ ... ]",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        _ => "true or false",
    };
}
