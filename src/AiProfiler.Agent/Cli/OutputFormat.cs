namespace AiProfiler.Agent.Cli;

/// <summary>How a one-shot command prints: a human table, JSON (an array, or one object per line) for scripts, CSV for spreadsheets, or Markdown.</summary>
internal enum OutputFormat
{
    Table,
    Json,
    Csv,
    JsonLines,
    Markdown,
}
