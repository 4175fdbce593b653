using System.Globalization;
using System.Text.Json;
using DuckDB.NET.Data;
using Pipeline.Cli.Kpi;

namespace Pipeline.Cli.Tests;

/// <summary>
/// <c>pipeline kpi</c> tables in a terminal of a given width: the wide table when it fits, else the long layout; a
/// number is never split over lines. The warehouse holds two days of GA4 and Meta rows with large values, so the
/// marketing KPIs make a wide table of about 130 columns.
/// </summary>
public sealed class KpiLayoutTests : CliTestBase
{
    private const string From = "2026-01-05";
    private const string To = "2026-01-06";

    private static readonly string Template = Path.Combine(Path.GetTempPath(), "pipeline-cli-tests", "kpi-layout-" + Guid.NewGuid().ToString("N"));

    private static string TemplateWarehouse => Path.Combine(Template, "warehouse.duckdb");

    [OneTimeSetUp]
    public async Task BuildTemplateWarehouse()
    {
        Directory.CreateDirectory(Template);
        var config = Path.Combine(Template, "pipeline.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new
        {
            Warehouse = new { DuckDb = new { Path = TemplateWarehouse } },
            Logging = new { Directory = Path.Combine(Template, "logs") },
        }));
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await PipelineCli.RunAsync(["migrate", "--config", config], new CliEnvironment { Out = output, Error = error, LogToErrorWriter = true });
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), error.ToString());

        await using var connection = new DuckDBConnection($"Data Source={TemplateWarehouse}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText =
            """
            INSERT INTO staging.ga4_traffic_daily (date, session_default_channel_group, session_source, session_medium, session_campaign_name,
                device_category, country, sessions, engaged_sessions, screen_page_views, user_engagement_duration, key_events,
                currency_code, time_zone, _account_id, _run_id, _loaded_at) VALUES
              ('2026-01-05', 'Organic Search', 'google', 'organic', '(organic)', 'desktop', 'Germany', 1234567, 987654, 3456789, 76543210, 12345, 'EUR', 'UTC', 'p1', 'test', now()),
              ('2026-01-06', 'Paid Social', 'facebook', 'paid', 'winter_sale', 'mobile', 'France', 2345678, 1234567, 4567890, 87654321, 23456, 'EUR', 'UTC', 'p1', 'test', now());
            INSERT INTO staging.meta_insights_daily (date_start, date_stop, account_id, account_currency, campaign_id, campaign_name, adset_id, ad_id,
                impressions, inline_link_clicks, spend, reach_unavailable, _account_id, _run_id, _loaded_at) VALUES
              ('2026-01-05', '2026-01-05', 'act_1', 'EUR', 'c1', 'winter_sale', 's1', 'a1', 98765432, 876543, 1234567.89, false, 'act_1', 'test', now()),
              ('2026-01-06', '2026-01-06', 'act_1', 'EUR', 'c2', 'spring', 's2', 'a2', 87654321, 765432, 2345678.91, false, 'act_1', 'test', now());
            """;
        await command.ExecuteNonQueryAsync();
        // Rows written straight into staging: no sync, so no refresh; the mart tables are rebuilt as `pipeline marts rebuild` would.
        await MartTables.RebuildAsync(connection);
    }

    [OneTimeTearDown]
    public void DeleteTemplate()
    {
        try
        {
            Directory.Delete(Template, recursive: true);
        }
        catch (IOException)
        {
            // left for the OS temp cleaner
        }
    }

    [SetUp]
    public void UseFixture()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(WarehousePath)!);
        File.Copy(TemplateWarehouse, WarehousePath, overwrite: true);
    }

    [TestCase(80)]
    [TestCase(100)]
    public async Task A_narrow_terminal_gets_the_long_layout_and_no_number_is_split(int width)
    {
        var table = await RunAtWidthAsync(width, "kpi", "--audience", "marketing", "--grain", "day", "--from", From, "--to", To);
        var values = await ValuesAsync("--audience", "marketing", "--grain", "day");

        Assert.That(table.ExitCode, Is.EqualTo(ExitCodes.Ok), table.Error);
        var lines = Lines(table.Out);
        Assert.That(lines, Has.Some.Match(@"│ KPI\s+│ Period\s+│\s+Value │"), "the long layout's header");
        Assert.That(lines, Has.All.Length.LessThanOrEqualTo(width), "nothing runs past the terminal");
        Assert.That(values, Has.Count.GreaterThan(8), "enough KPIs that the wide table cannot fit");
        foreach (var value in values)
        {
            Assert.That(lines, Has.Some.Contain(value), $"'{value}' whole on one line");
        }
    }

    [Test]
    public async Task A_wide_terminal_keeps_the_wide_table()
    {
        var table = await RunAtWidthAsync(200, "kpi", "sessions", "ctr", "cpc", "--from", From, "--to", To);

        Assert.That(table.ExitCode, Is.EqualTo(ExitCodes.Ok), table.Error);
        Assert.That(Lines(table.Out), Has.Some.Match(@"│ Period\s+│\s+Sessions │\s+CTR │\s+CPC │"));
        Assert.That(Lines(table.Out), Has.Some.Match(@"│ 2026-01-05\.\.2026-01-06 │\s+3,580,245 │\s+\d\.\d% │\s+\d+\.\d\d EUR │"));
    }

    [Test]
    public async Task Layout_wide_forces_the_wide_table_unsqueezed_even_in_a_narrow_terminal()
    {
        var table = await RunAtWidthAsync(80, "kpi", "--audience", "marketing", "--grain", "day", "--from", From, "--to", To, "--layout", "wide");
        var values = await ValuesAsync("--audience", "marketing", "--grain", "day");

        Assert.That(table.ExitCode, Is.EqualTo(ExitCodes.Ok), table.Error);
        var lines = Lines(table.Out);
        Assert.That(lines, Has.None.Match(@"│ KPI\s+│"), "not the long layout");
        Assert.That(lines, Has.Some.Match(@"│ Period\s+│\s+Sessions │.*│\s+CTR │"), "one header row with a column per KPI");
        Assert.That(lines.Count(l => l.StartsWith("│ 2026-01-0", StringComparison.Ordinal)), Is.EqualTo(2), "one row per day");
        foreach (var value in values)
        {
            Assert.That(lines, Has.Some.Contain(value), $"'{value}' whole on one line");
        }
    }

    [Test]
    public async Task Layout_long_gives_a_row_per_kpi_and_segment_even_when_wide_would_fit()
    {
        var table = await RunAtWidthAsync(200, "kpi", "sessions", "ctr", "--from", From, "--to", To, "--by", "channel", "--layout", "long");

        Assert.That(table.ExitCode, Is.EqualTo(ExitCodes.Ok), table.Error);
        var lines = Lines(table.Out);
        Assert.That(lines, Has.Some.Match(@"│ KPI\s+│ Period\s+│ Segment\s+│\s+Value │"));
        Assert.That(lines, Has.Some.Match(@"│ Sessions │ 2026-01-05\.\.2026-01-06 │ Organic Search │\s+1,234,567 │"));
        Assert.That(lines, Has.Some.Match(@"│ Sessions │ 2026-01-05\.\.2026-01-06 │ Paid Social\s+│\s+2,345,678 │"));
    }

    [Test]
    public async Task An_unknown_layout_is_a_usage_error()
    {
        var result = await RunAtWidthAsync(80, "kpi", "--layout", "tall");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(result.ErrorLines.Single(), Does.StartWith("pipeline: error: ").And.Contain("tall"));
        Assert.That(result.Out, Is.Empty);
    }

    [TestCase("csv")]
    [TestCase("json")]
    public async Task Csv_and_json_do_not_depend_on_the_width(string format)
    {
        var narrow = await RunAtWidthAsync(40, "kpi", "--audience", "marketing", "--from", From, "--to", To, "--format", format);
        var wide = await RunAtWidthAsync(200, "kpi", "--audience", "marketing", "--from", From, "--to", To, "--format", format);

        Assert.That(narrow.ExitCode, Is.EqualTo(ExitCodes.Ok), narrow.Error);
        Assert.That(narrow.Out, Is.EqualTo(wide.Out).And.Not.Empty);
    }

    /// <summary>Every value of the selection as the table formats it, from the csv of the same selection.</summary>
    private async Task<IReadOnlyList<string>> ValuesAsync(params string[] selection)
    {
        var csv = await RunAtWidthAsync(200, ["kpi", .. selection, "--from", From, "--to", To, "--format", "csv"]);
        Assert.That(csv.ExitCode, Is.EqualTo(ExitCodes.Ok), csv.Error);
        return csv.Out.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(line => line.Split(','))
            .Select(f => KpiOutput.FormatValue(f[5], f[9], f[8].Length == 0 ? null : double.Parse(f[8], CultureInfo.InvariantCulture), f[10].Length == 0 ? null : f[10]))
            .ToList();
    }

    private async Task<CliResult> RunAtWidthAsync(int width, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var env = new CliEnvironment { Out = output, Error = error, LogToErrorWriter = true, Width = width };
        var code = await PipelineCli.RunAsync([.. args, "--config", ConfigPath], env);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    private static List<string> Lines(string text) => text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
}
