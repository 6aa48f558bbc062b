using System.CommandLine;
using System.Text.Json;

namespace AiProfiler.Agent.Cli;

/// <summary><c>aiprofiler workloads</c>: every workload loaded from the plugins folder, with its parameters and defaults.</summary>
internal static class WorkloadsCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var format = AgentCli.FormatOption("table", "json");
        var plugins = AgentCli.PluginsOption();
        var config = AgentCli.ConfigOption();
        var command = new Command("workloads", "List the workloads loaded from the plugins folder with their parameters, defaults and ranges.") { format, plugins, config };
        command.SetAction(parse =>
        {
            using var environment = CommandEnvironment.Create(parse.GetValue(config), parse.GetValue(plugins), error);
            var catalog = environment.Catalog;
            var loaded = catalog.Plugins.Where(p => p.Status == Core.Plugins.PluginStatus.Loaded).SelectMany(p => p.Workloads.Select(w => (Plugin: p, Workload: w))).DistinctBy(x => x.Workload.Name).ToArray();
            if (AgentCli.ParseFormat(parse.GetValue(format)!) == OutputFormat.Json)
            {
                output.WriteLine(JsonSerializer.Serialize(new
                {
                    directory = catalog.Directory,
                    workloads = loaded.Select(x => new
                    {
                        name = x.Workload.Name,
                        description = x.Workload.Description,
                        plugin = x.Plugin.Name,
                        version = x.Plugin.Version,
                        parameters = x.Workload.Parameters.Select(p => new
                        {
                            name = p.Name,
                            kind = p.Kind.ToString().ToLowerInvariant(),
                            @default = p.DefaultValue,
                            range = p.Range,
                            minimum = p.Minimum,
                            maximum = p.Maximum,
                            choices = p.Choices.Count > 0 ? p.Choices : null,
                            description = p.Description,
                        }),
                    }),
                    skipped = catalog.Plugins.Where(p => p.Status == Core.Plugins.PluginStatus.Skipped).Select(p => new { plugin = p.Name, reason = p.Error }),
                }, RunResultFormatter.Json));
                return AgentCli.Success;
            }

            if (loaded.Length == 0)
            {
                output.WriteLine($"no workloads loaded from {catalog.Directory}");
            }

            foreach (var (plugin, workload) in loaded)
            {
                output.WriteLine($"{workload.Name} ({plugin.Name} {plugin.Version}): {workload.Description}");
                var table = new MarkdownTable("parameter", "default", "accepted", "description");
                foreach (var p in workload.Parameters)
                {
                    table.Add(p.Name, p.DefaultValue, p.Range, p.Description);
                }

                output.WriteLine(table.ToString());
            }

            return AgentCli.Success;
        });
        return command;
    }
}
