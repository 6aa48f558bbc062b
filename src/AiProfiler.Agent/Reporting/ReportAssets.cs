using System.Security.Cryptography;
using System.Text;

namespace AiProfiler.Agent.Reporting;

/// <summary>
/// The stylesheet and the page's refresh script, embedded in the agent so the page needs nothing from outside, with
/// the hashes a Content-Security-Policy allows them by: nothing else, injected or not, may run or style the page.
/// </summary>
internal static class ReportAssets
{
    public static string Stylesheet { get; } = Load("AiProfiler.Agent.Reporting.report.css");

    public static string RefreshScript { get; } = Load("AiProfiler.Agent.Page.page.js");

    /// <summary>The policy for the live page: its own style and script, and fetches back to the agent.</summary>
    public static string PagePolicy { get; } =
        $"default-src 'none'; style-src '{Hash(Stylesheet)}'; script-src '{Hash(RefreshScript)}'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /// <summary>The policy for a saved report: its style only; a report runs no script.</summary>
    public static string ReportPolicy { get; } = $"default-src 'none'; style-src '{Hash(Stylesheet)}'; img-src data:; base-uri 'none'; form-action 'none'";

    private static string Hash(string text) => "sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static string Load(string name)
    {
        using var stream = typeof(ReportAssets).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"resource {name} is missing from the build");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
