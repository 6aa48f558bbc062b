namespace AiProfiler.Core.Workers;

/// <summary>
/// How to start a worker: the agent's own executable with <c>worker</c> (or <c>dotnet aiprofiler.dll worker</c>), and
/// the environment that limits it.
/// </summary>
/// <param name="FileName">The program to start.</param>
/// <param name="Arguments">Its arguments, ending with <c>worker</c>.</param>
public sealed record WorkerLaunch(string FileName, IReadOnlyList<string> Arguments);
