using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Xunit;

namespace AiProfiler.Exporters.Prometheus.Tests.Support;

/// <summary>
/// Compares output with an expected file under Snapshots/ (the Verify package is not served here). Set
/// AIPROFILER_UPDATE_SNAPSHOTS=1 to rewrite the files in the source tree from the actual output, then review the diff.
/// </summary>
internal static partial class Snapshot
{
    /// <summary>
    /// _created carries the SDK's start time, which differs on every run; it is replaced by a marker here and checked
    /// for plausibility by a separate test.
    /// </summary>
    public static string NormalizeCreated(string exposition) => CreatedSample().Replace(exposition, "$1 <created>");

    public static void Matches(string fileName, string actual, [CallerFilePath] string callerPath = "")
    {
        var sourceFile = Path.Combine(SourceDirectory(callerPath), "Snapshots", fileName);
        if (Environment.GetEnvironmentVariable("AIPROFILER_UPDATE_SNAPSHOTS") == "1")
        {
            File.WriteAllText(sourceFile, actual);
            return;
        }

        var expectedPath = Path.Combine(AppContext.BaseDirectory, "Snapshots", fileName);
        Assert.True(File.Exists(expectedPath), $"Missing snapshot {fileName}; run the tests with AIPROFILER_UPDATE_SNAPSHOTS=1 to create it.");
        Assert.Equal(File.ReadAllText(expectedPath), actual);
    }

    // The test project's root: the caller sits in a subfolder of it.
    private static string SourceDirectory(string callerPath)
    {
        var directory = Path.GetDirectoryName(callerPath);
        while (directory is not null && !File.Exists(Path.Combine(directory, "AiProfiler.Exporters.Prometheus.Tests.csproj")))
        {
            directory = Path.GetDirectoryName(directory);
        }

        return directory ?? throw new InvalidOperationException("Cannot find the test project folder above " + callerPath);
    }

    [GeneratedRegex(@"^(\S+_created(?:\{[^\n]*\})?) \S+$", RegexOptions.Multiline)]
    private static partial Regex CreatedSample();
}
