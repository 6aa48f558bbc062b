using System.Text.RegularExpressions;
using AiProfiler.Deployment.Tests.Support;

namespace AiProfiler.Deployment.Tests.Install;

/// <summary>The documents that install/ points its readers to exist where it says.</summary>
public sealed partial class InstallDocumentationTests
{
    [Fact]
    public void InstallFiles_MarkdownTheyMention_ExistInTheRepository()
    {
        var documents = Directory.EnumerateFiles(Repository.Root, "*.md", SearchOption.AllDirectories)
            .Select(Path.GetFileName)
            .ToHashSet(StringComparer.Ordinal);

        var missing = Directory.EnumerateFiles(Repository.Install, "*", SearchOption.AllDirectories)
            .SelectMany(file => MarkdownName().Matches(File.ReadAllText(file)).Select(m => (File: Path.GetRelativePath(Repository.Root, file), Name: Path.GetFileName(m.Value))))
            .Where(reference => !documents.Contains(reference.Name))
            .Select(reference => $"{reference.File} mentions {reference.Name}")
            .ToArray();

        Assert.Empty(missing);
    }

    [Fact]
    public void SystemdUnit_Documentation_IsTheReadmeInstallShCopiesBesideTheAgent()
    {
        var unit = File.ReadAllLines(Repository.PathOf("install", "linux", "aiprofiler.service"));
        var script = File.ReadAllText(Repository.PathOf("install", "linux", "install.sh"));

        Assert.Contains("Documentation=file:/opt/aiprofiler/README.md", unit);
        Assert.Contains("cp \"$repo_root/README.md\" \"$PREFIX/README.md\"", script, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"[\w./-]+\.md\b")]
    private static partial Regex MarkdownName();
}
