namespace AiProfiler.Testing;

/// <summary>
/// A fresh directory under the system temp folder, deleted on dispose. The name is kept short: Unix socket paths
/// inside it are limited to 107 bytes.
/// </summary>
public sealed class TemporaryDirectory : IDisposable
{
    /// <summary>The directory's full path.</summary>
    public string Path { get; } = Directory.CreateTempSubdirectory("aip-").FullName;

    /// <summary>The full path of <paramref name="name"/> inside the directory (not created).</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes <paramref name="content"/> to <paramref name="relativePath"/>, creating its folders; returns the full path.</summary>
    public string Write(string relativePath, string content)
    {
        var full = File(relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        System.IO.File.WriteAllText(full, content);
        return full;
    }

    /// <summary>Deletes the directory; a file still held open (a plugin being unloaded) leaves it for the OS to clean.</summary>
    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
