namespace AiProfiler.Core.Workers;

/// <summary>A plugin whose workers kept dying: not run until <paramref name="Until"/>.</summary>
/// <param name="Plugin">The plugin folder's name.</param>
/// <param name="Until">When its next run is tried.</param>
/// <param name="Deaths">Worker deaths in a row.</param>
/// <param name="Cause">The last death's cause.</param>
public sealed record QuarantinedPlugin(string Plugin, DateTimeOffset Until, int Deaths, string Cause);
