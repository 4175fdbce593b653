using System.Globalization;

namespace Pipeline.Reliability.Tests.Infrastructure;

/// <summary>
/// The measured figures of a case (trials, faults injected, rows compared, mismatches): printed with the test's
/// output and appended to <c>reliability-figures.txt</c> beside the test binaries, the source of README's table.
/// </summary>
internal static class Figures
{
    private static readonly Lock Gate = new();

    public static void Record(string @case, string figures)
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:yyyy-MM-dd HH:mm:ss}Z  {@case}: {figures}");
        TestContext.Out.WriteLine(line);
        TestContext.Progress.WriteLine(line);
        lock (Gate)
        {
            File.AppendAllText(Path.Combine(AppContext.BaseDirectory, "reliability-figures.txt"), line + Environment.NewLine);
        }
    }
}

/// <summary>A folder per case under the temp directory, removed afterwards.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder(string prefix)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pipeline-reliability", $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // temp folder; the OS cleans it
        }
    }
}
