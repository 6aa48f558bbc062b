namespace AiProfiler.Agent.Cli;

/// <summary>How a one-shot command prints: a human table, JSON for scripts, or CSV for spreadsheets.</summary>
internal enum OutputFormat
{
    Table,
    Json,
    Csv,
}
