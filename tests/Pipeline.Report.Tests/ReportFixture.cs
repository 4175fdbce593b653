using System.Text.Json;
using Pipeline.Cli;

namespace Pipeline.Report.Tests;

/// <summary>
/// Once for every test here: <c>pipeline demo</c> run in-process (the sandbox world synced into its own DuckDB file,
/// which also writes the demo report beside it), and <c>pipeline report --period last-month</c> over that warehouse.
/// </summary>
[SetUpFixture]
public sealed class ReportFixture
{
    public static string Folder { get; } = Path.Combine(Path.GetTempPath(), "pipeline-report-tests", Guid.NewGuid().ToString("N"));

    public static string WarehousePath => Path.Combine(Folder, "demo.duckdb");

    public static string ConfigPath => Path.Combine(Folder, "pipeline.json");

    /// <summary>The report the demo wrote (last 30 days).</summary>
    public static string DemoReportPath => Path.Combine(Folder, "demo-report.html");

    public static string LastMonthReportPath => Path.Combine(Folder, "last-month.html");

    public static CliResult Demo { get; private set; } = null!;

    public static CliResult LastMonth { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task RunDemoAsync()
    {
        Directory.CreateDirectory(Folder);
        // The demo reports in Europe/Berlin; the report command's "today" follows the configured zone, so they agree.
        await File.WriteAllTextAsync(ConfigPath, JsonSerializer.Serialize(new
        {
            Warehouse = new { DuckDb = new { Path = WarehousePath } },
            Logging = new { Directory = Path.Combine(Folder, "logs") },
            Reporting = new { Currency = "EUR", TimeZone = "Europe/Berlin" },
        }));
        Demo = await RunAsync("demo", "--warehouse", WarehousePath, "--days", "75", "--config", ConfigPath);
        Assert.That(Demo.ExitCode, Is.EqualTo(ExitCodes.Ok), Demo.Error);
        LastMonth = await RunAsync("report", "--period", "last-month", "--out", LastMonthReportPath, "--config", ConfigPath);
        Assert.That(LastMonth.ExitCode, Is.EqualTo(ExitCodes.Ok), LastMonth.Error);
    }

    [OneTimeTearDown]
    public void DeleteFolder()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // left for the OS temp cleaner
        }
    }

    public static async Task<CliResult> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await PipelineCli.RunAsync(args, new CliEnvironment { Out = output, Error = error, LogToErrorWriter = true });
        return new CliResult(code, output.ToString(), error.ToString());
    }
}

public sealed record CliResult(int ExitCode, string Out, string Error);
