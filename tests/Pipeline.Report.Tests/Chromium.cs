using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Pipeline.Report.Tests;

/// <summary>Headless Chromium (Debian package <c>chromium</c>) run the way a person's browser would open the file.</summary>
internal static partial class Chromium
{
    public static string? Find() =>
        new[] { "chromium", "chromium-browser", "google-chrome" }
            .SelectMany(name => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Select(dir => Path.Combine(dir, name)))
            .FirstOrDefault(File.Exists);

    /// <summary>Skips (never fakes) a test on a machine without Chromium.</summary>
    public static string Require() => Find() ?? throw new IgnoreException("chromium not installed: apt-get install chromium");

    /// <summary>Loads the page, then screenshots it or dumps its DOM; the browser's log goes to stderr.</summary>
    public static async Task<Run> RunAsync(string url, string mode, string? screenshot = null, int width = 1400, int height = 2000)
    {
        var binary = Require();
        var profile = Path.Combine(Path.GetTempPath(), "pipeline-report-tests", "chromium-" + Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[]
                 {
                     "--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars", "--no-first-run", "--disable-extensions",
                     $"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", $"--window-size={width},{height}",
                 })
        {
            start.ArgumentList.Add(arg);
        }

        start.ArgumentList.Add(mode == "screenshot" ? $"--screenshot={screenshot}" : "--dump-dom");
        start.ArgumentList.Add(url);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"chromium did not finish loading {url} within 90 s");
        }
        finally
        {
            TryDelete(profile);
        }

        return new Run(process.ExitCode, await stdout, await stderr);
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    public sealed partial record Run(int ExitCode, string Out, string Error)
    {
        /// <summary>
        /// What the page said on its console: uncaught exceptions and console.* calls are logged as
        /// <c>INFO:CONSOLE(…)] "message", source: url (line)</c>. The report logs nothing, so any line is a fault.
        /// </summary>
        public IReadOnlyList<string> ConsoleMessages(string page) =>
            ConsoleLine().Matches(Error).Where(m => m.Groups["source"].Value.StartsWith(page, StringComparison.Ordinal)).Select(m => m.Groups["message"].Value).ToList();

        [GeneratedRegex("""CONSOLE[^\]]*\] "(?<message>.*)", source: (?<source>\S*)""")]
        private static partial Regex ConsoleLine();
    }
}
