using System.Text;

namespace AiProfiler.Agent.Cli;

/// <summary>A pipe table, as llama-bench prints: readable in a terminal and pasteable into Markdown.</summary>
internal sealed class MarkdownTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];
    private readonly HashSet<int> _right = [];

    public void Add(params string[] cells) => _rows.Add(cells);

    /// <summary>Marks columns (by index) right-aligned in the separator line, <c>---:</c>, as Markdown renders them.</summary>
    public void AlignRight(params int[] columns) => _right.UnionWith(columns);

    public override string ToString()
    {
        var widths = headers.Select((h, i) => Math.Max(h.Length, _rows.Count == 0 ? 0 : _rows.Max(r => r[i].Length))).ToArray();
        var text = new StringBuilder();
        void Line(IReadOnlyList<string> cells) =>
            text.Append("| ").AppendJoin(" | ", cells.Select((c, i) => c.PadRight(widths[i]))).Append(" |\n");
        Line(headers);
        text.Append('|').AppendJoin('|', widths.Select((w, i) => _right.Contains(i) ? new string('-', w + 1) + ":" : new string('-', w + 2))).Append("|\n");
        foreach (var row in _rows)
        {
            Line(row);
        }

        return text.ToString();
    }
}
