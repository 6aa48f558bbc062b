using System.Text.Json.Nodes;

namespace AiProfiler.Deployment.Tests.Support;

/// <summary>A dashboard template variable: its name, type (query, datasource, ...) and query text.</summary>
internal sealed record GrafanaVariable(string Name, string Type, string Query, JsonObject Json);
