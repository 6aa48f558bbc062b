using AiProfiler.Core.Running;

namespace AiProfiler.Agent.Cli;

/// <summary>
/// Shows a run's phase on standard error: rewritten in place on a terminal, one line per phase change otherwise,
/// so redirected output stays readable and standard output stays clean for JSON and CSV.
/// </summary>
internal sealed class ProgressLine(TextWriter error, string label) : IProgress<RunProgress>
{
    private readonly bool _interactive = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;
    private readonly Lock _gate = new();
    private string _lastPhase = "";

    public void Report(RunProgress value)
    {
        lock (_gate)
        {
            if (value.Note is not null)
            {
                error.WriteLine(_interactive ? $"\r{label}: {value.Note}" : $"{label}: {value.Note}");
            }
            else if (_interactive)
            {
                error.Write($"\r{label}: {value.Phase} {value.Completed}/{value.Total}   ");
            }
            else if (value.Phase != _lastPhase)
            {
                error.WriteLine($"{label}: {value.Phase}");
            }

            _lastPhase = value.Phase;
        }
    }

    public void Done(string outcome)
    {
        lock (_gate)
        {
            error.WriteLine(_interactive ? $"\r{label}: {outcome}                    " : $"{label}: {outcome}");
        }
    }
}
