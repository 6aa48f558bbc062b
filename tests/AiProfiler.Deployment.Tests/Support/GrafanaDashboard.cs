using System.Text.Json.Nodes;

namespace AiProfiler.Deployment.Tests.Support;

/// <summary>One dashboard JSON file, read the way Grafana reads it: variables, and panels with rows flattened.</summary>
internal sealed class GrafanaDashboard
{
    private GrafanaDashboard(string file, JsonObject json)
    {
        File = file;
        Json = json;
        Variables = (json["templating"]?["list"]?.AsArray() ?? [])
            .Select(v => new GrafanaVariable((string?)v!["name"] ?? "", (string?)v["type"] ?? "", QueryText(v["query"]), v.AsObject()))
            .ToArray();
        Panels = Flatten(json["panels"]?.AsArray() ?? []).ToArray();
    }

    public string File { get; }

    public string Name => Path.GetFileName(File);

    public JsonObject Json { get; }

    public IReadOnlyList<GrafanaVariable> Variables { get; }

    /// <summary>Every panel, rows included, with the panels of collapsed rows after their row.</summary>
    public IReadOnlyList<JsonObject> Panels { get; }

    /// <summary>The panels that show data (not rows).</summary>
    public IEnumerable<JsonObject> DataPanels => Panels.Where(p => (string?)p["type"] != "row");

    public static GrafanaDashboard Load(string file) =>
        new(file, JsonNode.Parse(System.IO.File.ReadAllText(file))?.AsObject() ?? throw new InvalidDataException($"{file} is not a JSON object"));

    public static IReadOnlyList<GrafanaDashboard> LoadAll() => Repository.DashboardFiles.Select(Load).ToArray();

    public static IEnumerable<(string RefId, string Expr)> Targets(JsonObject panel) =>
        (panel["targets"]?.AsArray() ?? []).Select(t => ((string?)t!["refId"] ?? "", (string?)t["expr"] ?? ""));

    public static string Describe(JsonObject panel) => $"panel {(int?)panel["id"]} '{(string?)panel["title"]}'";

    private static string QueryText(JsonNode? query) => query switch
    {
        JsonValue value => (string?)value ?? "",
        JsonObject obj => (string?)obj["query"] ?? "",
        _ => "",
    };

    private static IEnumerable<JsonObject> Flatten(JsonArray panels)
    {
        foreach (var panel in panels.Select(p => p!.AsObject()))
        {
            yield return panel;
            foreach (var child in Flatten(panel["panels"]?.AsArray() ?? []))
            {
                yield return child;
            }
        }
    }
}
