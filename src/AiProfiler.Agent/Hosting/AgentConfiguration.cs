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
            builder.AddInMemoryCollection([new("Plugins:Directory", pluginsDirectory), new("Plugins:HotReload", "false")]);
        }
        else
        {
            builder.AddInMemoryCollection([new("Plugins:HotReload", "false")]);
        }

        return builder.Build();
    }

    /// <summary>
    /// Parses the file first, so a syntax error is reported as one line with its position instead of the
    /// configuration library's nested exception.
    /// </summary>
    private static void CheckJson(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            var reason = ex.Message.Split(" LineNumber", 2)[0].Trim();
            throw new InvalidDataException($"configuration file '{path}' is not valid JSON at line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}: {reason} Fix the file.", ex);
        }
    }
}
