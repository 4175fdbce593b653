namespace Pipeline.Report.Tests;

/// <summary><c>pipeline report</c> refusing bad input with one line and nothing written.</summary>
public sealed class ReportCommandTests
{
    [Test]
    public async Task AMissingWarehouseIsAnErrorAndNoFileIsWritten()
    {
        var folder = Path.Combine(ReportFixture.Folder, "missing");
        Directory.CreateDirectory(folder);
        var config = Path.Combine(folder, "pipeline.json");
        await File.WriteAllTextAsync(config, $$"""{ "Warehouse": { "DuckDb": { "Path": "{{Path.Combine(folder, "none.duckdb").Replace("\\", "\\\\", StringComparison.Ordinal)}}" } }, "Logging": { "Directory": "{{Path.Combine(folder, "logs").Replace("\\", "\\\\", StringComparison.Ordinal)}}" } }""");
        var output = Path.Combine(folder, "report.html");
        var result = await ReportFixture.RunAsync("report", "--out", output, "--config", config);
        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Error.Trim().Split('\n').Last(), Does.StartWith("pipeline: error:"));
        Assert.That(File.Exists(output), Is.False);
        Assert.That(File.Exists(Path.Combine(folder, "none.duckdb")), Is.False, "a read-only command creates no warehouse");
    }

    [Test]
    public async Task AnUnknownPeriodIsAUsageError()
    {
        var result = await ReportFixture.RunAsync("report", "--period", "last-year", "--config", ReportFixture.ConfigPath);
        Assert.That(result.ExitCode, Is.EqualTo(Pipeline.Cli.ExitCodes.Usage));
        Assert.That(result.Error, Does.Contain("last-year"));
    }

    [Test]
    public async Task AFolderAsOutputIsAUsageError()
    {
        var result = await ReportFixture.RunAsync("report", "--out", ReportFixture.Folder, "--config", ReportFixture.ConfigPath);
        Assert.That(result.ExitCode, Is.EqualTo(Pipeline.Cli.ExitCodes.Usage));
        Assert.That(result.Error, Does.Contain("must name a file"));
    }
}
