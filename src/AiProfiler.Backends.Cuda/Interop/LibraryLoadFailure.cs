namespace AiProfiler.Backends.Cuda.Interop;

/// <summary>Why a native library could not be bound.</summary>
/// <param name="FileName">The file that was asked for.</param>
/// <param name="MissingExport">Null when the file was not found; else the first entry point it lacks.</param>
internal sealed record LibraryLoadFailure(string FileName, string? MissingExport);
