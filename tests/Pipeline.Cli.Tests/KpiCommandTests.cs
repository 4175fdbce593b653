using System.Globalization;
using System.Text.Json;
using DuckDB.NET.Data;
using Pipeline.Cli.Kpi;

namespace Pipeline.Cli.Tests;

/// <summary>
/// <c>pipeline kpi</c> against a warehouse migrated by the CLI and filled with a few hand-made staging rows, so every
/// expected number can be worked out here. Two days are chosen so averaging daily ratios and dividing sums differ:
/// GA4 all channels: 2026-01-05 300 sessions / 270 engaged (90 %), 2026-01-06 200 / 60 (30 %): the mart must say
/// 330 / 500 = 66.0 %, not the 60.0 % mean. Meta: 1000 impressions / 10 clicks / 20 EUR, then 3000 / 90 / 40 EUR:
/// CTR 100 / 4000 = 2.5 % (mean 2 %), CPC 60 / 100 = 0.60 EUR (mean 1.22).
/// </summary>
public sealed class KpiCommandTests : CliTestBase
{
    private const string From = "2026-01-05";
    private const string To = "2026-01-06";

    private static readonly string Template = Path.Combine(Path.GetTempPath(), "pipeline-cli-tests", "kpi-template-" + Guid.NewGuid().ToString("N"));

    private static string TemplateWarehouse => Path.Combine(Template, "warehouse.duckdb");

    [OneTimeSetUp]
    public async Task BuildTemplateWarehouse()
    {
        // One migrate for the fixture; every test copies the file (a migrate takes seconds).
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
              ('2026-01-05', 'Organic Search', 'google', 'organic', '(organic)', 'desktop', 'Germany', 300, 270, 900, 16200, 30, 'EUR', 'UTC', 'p1', 'test', now()),
              ('2026-01-06', 'Organic Search', 'google', 'organic', '(organic)', 'desktop', 'Germany', 100, 10, 200, 1000, 2, 'EUR', 'UTC', 'p1', 'test', now()),
              ('2026-01-06', 'Paid Social', 'facebook', 'paid', 'winter_sale', 'mobile', 'France', 100, 50, 300, 12800, 8, 'EUR', 'UTC', 'p1', 'test', now()),
              ('2026-02-02', 'Organic Search', 'google', 'organic', '(organic)', 'desktop', 'Germany', 200, 20, 400, 2000, 0, 'EUR', 'UTC', 'p1', 'test', now());
            INSERT INTO staging.meta_insights_daily (date_start, date_stop, account_id, account_currency, campaign_id, campaign_name, adset_id, ad_id,
                impressions, inline_link_clicks, spend, reach_unavailable, _account_id, _run_id, _loaded_at) VALUES
              ('2026-01-05', '2026-01-05', 'act_1', 'EUR', 'c1', 'winter_sale', 's1', 'a1', 1000, 10, 20.00, false, 'act_1', 'test', now()),
              ('2026-01-06', '2026-01-06', 'act_1', 'EUR', 'c2', 'Spring, "Promo"', 's2', 'a2', 3000, 90, 40.00, false, 'act_1', 'test', now());
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

    [Test]
    public async Task The_table_shows_ratios_of_sums_formatted_by_unit()
    {
        UseFixture();

        var result = await RunWithConfigAsync("kpi", "sessions", "impressions", "engagement_rate", "avg_session_duration", "ctr", "cpc", "cpl", "--from", From, "--to", To);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Error);
        Assert.That(result.Out, Does.Contain("KPIs 2026-01-05..2026-01-06 · grain total · all segments"));
        var row = result.Out.Split('\n').Single(l => l.Contains("│ 2026-01-05..2026-01-06", StringComparison.Ordinal));
        Assert.That(Cells(row), Is.EqualTo(new[] { "2026-01-05..2026-01-06", "500", "4,000", "66.0%", "1:00", "2.5%", "0.60 EUR", "–" }), "CPL has no leads below it: NULL, shown as –");
        Assert.That(result.Out, Does.Not.Contain("60.0%"), "engagement is 330 / 500, not the mean of 90 % and 30 %");
        Assert.That(result.Error, Is.Empty);
    }

    [Test]
    public async Task Csv_is_long_and_carries_the_marts_numerators_denominators_and_values()
    {
        UseFixture();

        var result = await RunWithConfigAsync("kpi", "engagement_rate", "cpc", "sessions", "--from", From, "--to", To, "--format", "csv");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Error);
        var lines = result.Out.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Is.EqualTo("period_start,period_end,grain,segment_type,segment,kpi_id,numerator,denominator,value,unit,currency,coverage,status,status_reason"));
        var rows = lines.Skip(1).Select(ParseCsvLine).ToDictionary(f => f[5]);
        Assert.That(rows.Keys, Is.EquivalentTo(new[] { "engagement_rate", "cpc", "sessions" }));
        Assert.That(rows["engagement_rate"][..11], Is.EqualTo(new[] { From, To, "total", "all", "All", "engagement_rate", "330", "500", "0.66", "Ratio", "" }));
        Assert.That(double.Parse(rows["cpc"][8], CultureInfo.InvariantCulture), Is.EqualTo(0.6).Within(1e-12));
        Assert.That(rows["cpc"][6..8], Is.EqualTo(new[] { "60", "100" }));
        Assert.That(rows["cpc"][9..], Is.EqualTo(new[] { "Currency", "EUR", "1", "complete", "" }), "every source loaded on both days: complete");
        Assert.That(rows["sessions"][6..10], Is.EqualTo(new[] { "500", "", "500", "Count" }), "a count has no denominator");
    }

    [Test]
    public async Task Csv_quotes_segments_with_commas_and_quotes()
    {
        UseFixture();

        var result = await RunWithConfigAsync("kpi", "ctr", "cpc", "--from", From, "--to", To, "--by", "campaign", "--format", "csv");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Error);
        Assert.That(result.Out, Does.Contain("\"Spring, \"\"Promo\"\"\""));
        var rows = result.Out.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(ParseCsvLine).ToList();
        Assert.That(rows.Select(r => r[4]).Distinct(), Is.EquivalentTo(new[] { "Spring, \"Promo\"", "winter_sale" }));
        var spring = rows.Single(r => r[4] == "Spring, \"Promo\"" && r[5] == "ctr");
        Assert.That(double.Parse(spring[8], CultureInfo.InvariantCulture), Is.EqualTo(0.03).Within(1e-12));
        var winter = rows.Single(r => r[4] == "winter_sale" && r[5] == "cpc");
        Assert.That(double.Parse(winter[8], CultureInfo.InvariantCulture), Is.EqualTo(2.0).Within(1e-12));
    }

    [Test]
    public async Task Json_is_an_array_of_objects_with_numbers_and_nulls()
    {
        UseFixture();

        var result = await RunWithConfigAsync("kpi", "cpc", "cpl", "--from", From, "--to", To, "--format", "json");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Error);
        using var json = JsonDocument.Parse(result.Out);
        var rows = json.RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("kpi_id").GetString()!);
        Assert.That(rows.Keys, Is.EquivalentTo(new[] { "cpc", "cpl" }));
        var cpc = rows["cpc"];
        Assert.That(cpc.GetProperty("period_start").GetString(), Is.EqualTo(From));
        Assert.That(cpc.GetProperty("period_end").GetString(), Is.EqualTo(To));
        Assert.That(cpc.GetProperty("grain").GetString(), Is.EqualTo("total"));
        Assert.That(cpc.GetProperty("segment").GetString(), Is.EqualTo("All"));
        Assert.That(cpc.GetProperty("numerator").GetDecimal(), Is.EqualTo(60m));
        Assert.That(cpc.GetProperty("denominator").GetDecimal(), Is.EqualTo(100m));
        Assert.That(cpc.GetProperty("value").GetDouble(), Is.EqualTo(0.6).Within(1e-12));
        Assert.That(cpc.GetProperty("currency").GetString(), Is.EqualTo("EUR"));
        // No leads were loaded: no denominator (NULL or 0, as the mart has it) and a NULL value, never an error or a zero.
        var denominator = rows["cpl"].GetProperty("denominator");
        Assert.That(denominator.ValueKind == JsonValueKind.Null || denominator.GetDecimal() == 0m, Is.True, denominator.ToString());
        Assert.That(rows["cpl"].GetProperty("value").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(rows["cpl"].GetProperty("numerator").GetDecimal(), Is.EqualTo(60m));
    }

    [Test]
    public async Task By_channel_gives_one_row_per_channel_and_blank_cells_where_nothing_was_measured()
    {
        UseFixture();

        var result = await RunWithConfigAsync("kpi", "sessions", "engagement_rate", "avg_session_duration", "ctr", "--from", From, "--to", To, "--by", "channel");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Error);
        Assert.That(result.Out, Does.Contain("by channel"));
        Assert.That(Cells(RowOf(result.Out, "Organic Search")), Is.EqualTo(new[] { "2026-01-05..2026-01-06", "Organic Search", "400", "70.0%", "43 s", "" }));
        Assert.That(Cells(RowOf(result.Out, "Paid Social")), Is.EqualTo(new[] { "2026-01-05..2026-01-06", "Paid Social", "100", "50.0%", "2:08", "2.5%" }));
    }

    [Test]
    public async Task Segment_filters_one_value_ignoring_case()
    {
        UseFixture();

        var result = await RunWithConfigAsync("kpi", "sessions", "ctr", "--from", From, "--to", To, "--by", "channel", "--segment", "paid SOCIAL", "--format", "csv");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Error);
        var rows = result.Out.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(ParseCsvLine).ToList();
        Assert.That(rows.Select(r => (r[4], r[5], r[8])), Is.EquivalentTo(new[] { ("Paid Social", "sessions", "100"), ("Paid Social", "ctr", "0.025") }));
    }

    [Test]
    public async Task An_unknown_segment_is_an_empty_result_with_a_note_naming_the_segments_there()
    {
        UseFixture();

        var result = await RunWithConfigAsync("kpi", "sessions", "--from", From, "--to", To, "--by", "channel", "--segment", "Podcast", "--format", "json");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Error);
        Assert.That(result.Out.Trim(), Is.EqualTo("[]"));
        Assert.That(result.ErrorLines.Single(), Does.Contain("no channel 'Podcast'").And.Contain("Organic Search, Paid Social"));
    }

    [Test]
    public async Task Month_grain_includes_overlapping_months_marked_partial_while_total_sums_the_exact_range()
    {
        UseFixture();

        var months = await RunWithConfigAsync("kpi", "sessions", "engagement_rate", "--from", From, "--to", "2026-02-02", "--grain", "month");
        var monthsCsv = await RunWithConfigAsync("kpi", "sessions", "--from", From, "--to", "2026-02-02", "--grain", "month", "--format", "csv");
        var total = await RunWithConfigAsync("kpi", "sessions", "engagement_rate", "--from", From, "--to", "2026-02-02", "--grain", "total");

        Assert.That(months.ExitCode, Is.EqualTo(ExitCodes.Ok), months.Error);
        Assert.That(Cells(RowOf(months.Out, "2026-01 *")), Is.EqualTo(new[] { "2026-01 *", "500", "66.0%" }));
        Assert.That(Cells(RowOf(months.Out, "2026-02 *")), Is.EqualTo(new[] { "2026-02 *", "200", "10.0%" }));
        Assert.That(months.Out, Does.Contain("* the period reaches outside the range"));
        Assert.That(monthsCsv.Out, Does.Contain("2026-01-01,2026-01-31,month,all,All,sessions,500,,500,Count,").And.Contain("2026-02-01,2026-02-28,month,all,All,sessions,200,,200,Count,"));
        Assert.That(monthsCsv.ErrorLines.Single(), Does.Contain("2026-01-01..2026-01-31, 2026-02-01..2026-02-28 reach outside 2026-01-05..2026-02-02"));
        Assert.That(total.ExitCode, Is.EqualTo(ExitCodes.Ok), total.Error);
        Assert.That(Cells(RowOf(total.Out, "2026-01-05..2026-02-02")), Is.EqualTo(new[] { "2026-01-05..2026-02-02", "700", "50.0%" }));
    }

    [Test]
    public async Task Without_ids_the_audience_kpis_are_shown_and_those_of_other_views_are_named()
    {
        UseFixture();

        var result = await RunWithConfigAsync("kpi", "--from", From, "--to", To, "--audience", "executive", "--format", "json");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Error);
        using var json = JsonDocument.Parse(result.Out);
        var ids = json.RootElement.EnumerateArray().Select(e => e.GetProperty("kpi_id").GetString()).Distinct().ToList();
        Assert.That(ids, Does.Contain("cac").And.Contain("roi").And.Not.Contain("sessions"), "executive KPIs only");
        Assert.That(result.Error, Does.Contain("churn_rate is published in mart.customer_retention").And.Contain("ltv_historic is published in mart.customer_cohorts"));
        Assert.That(result.Error, Does.Match(@"no values in this selection for .*channel_session_share \(mart\.kpi_values has it at [a-z, ]+ × channel\)"), "no total over a range for a share");
    }

    [Test]
    public async Task Without_dates_the_default_period_is_the_last_30_complete_days()
    {
        UseFixture();

        var result = await RunWithConfigAsync("kpi", "sessions");

        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Error);
        Assert.That(result.Out, Does.Contain($"last-30d, {today.AddDays(-30):yyyy-MM-dd}..{today.AddDays(-1):yyyy-MM-dd}"));
    }

    [TestCase("sesions", "unknown KPI 'sesions'; did you mean sessions?")]
    [TestCase("churn_rate", "churn_rate is published in mart.customer_retention")]
    public async Task Unknown_or_unpublished_kpi_ids_are_one_line_usage_errors(string id, string message)
    {
        UseFixture();

        var result = await RunWithConfigAsync("kpi", id, "--from", From, "--to", To);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(result.ErrorLines.Single(), Does.StartWith("pipeline: error: ").And.Contain(message));
        Assert.That(result.Out, Is.Empty);
    }

    [TestCase("kpi", "--from", "2026-02-01", "--to", "2026-01-01", "--from must not be after --to")]
    [TestCase("kpi", "--from", "2026-02-30", "--to", "2026-03-01", "--from '2026-02-30' is not a date")]
    [TestCase("kpi", "--from", "01/02/2026", "--to", "2026-03-01", "is not a date (yyyy-mm-dd)")]
    [TestCase("kpi", "--to", "2026-01-01", "", "", "--to needs --from")]
    [TestCase("kpi", "--period", "mtd", "--from", "2026-01-01", "use either --period or --from/--to")]
    [TestCase("kpi", "--period", "last-year", "", "", "last-year")]
    [TestCase("kpi", "--segment", "Email", "", "", "--segment needs --by")]
    [TestCase("kpi", "--from", "2999-01-01", "", "", "is after the end of the range")]
    [TestCase("sync", "--from", "2026-02-30", "--to", "2026-03-01", "Cannot parse argument '2026-02-30'")] // used to crash in the validator
    public async Task Bad_dates_and_options_are_one_line_usage_errors(string command, string o1, string v1, string o2, string v2, string message)
    {
        UseFixture();
        string[] args = [command, o1, v1, .. o2.Length > 0 ? new[] { o2, v2 } : []];

        var result = await RunWithConfigAsync(args);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Usage), result.Error);
        Assert.That(result.ErrorLines.Single(), Does.StartWith("pipeline: error: ").And.Contain(message));
        Assert.That(result.Out, Is.Empty);
    }

    [Test]
    public async Task A_missing_warehouse_is_refused_like_status_and_not_created()
    {
        var result = await RunWithConfigAsync("kpi", "sessions", "--from", From, "--to", To);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed));
        Assert.That(result.ErrorLines.Single(), Does.StartWith("pipeline: error: no warehouse at").And.Contain("pipeline migrate"));
        Assert.That(File.Exists(WarehousePath), Is.False, "kpi must not create a warehouse");
    }

    [TestCase("table")]
    [TestCase("csv")]
    [TestCase("json")]
    public async Task A_warehouse_without_data_gives_an_empty_result_and_a_note(string format)
    {
        var migrated = await RunWithConfigAsync("migrate");
        Assert.That(migrated.ExitCode, Is.EqualTo(ExitCodes.Ok), migrated.Error);

        var result = await RunWithConfigAsync("kpi", "--from", From, "--to", To, "--format", format);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Error);
        Assert.That(result.Error, Does.Contain("pipeline: note: the warehouse holds no data yet").And.Contain("pipeline sync"));
        Assert.That(result.Out.Trim(), Is.EqualTo(format switch
        {
            "csv" => string.Join(',', KpiOutput.CsvColumns),
            "json" => "[]",
            _ => "No KPI values: KPIs 2026-01-05..2026-01-06 · grain total · all segments",
        }));
    }

    [TestCase("last-7d", "2026-03-08", "2026-03-14")]
    [TestCase("last-30d", "2026-02-13", "2026-03-14")]
    [TestCase("last-90d", "2025-12-15", "2026-03-14")]
    [TestCase("mtd", "2026-03-01", "2026-03-15")]
    [TestCase("qtd", "2026-01-01", "2026-03-15")]
    [TestCase("ytd", "2026-01-01", "2026-03-15")]
    [TestCase("last-month", "2026-02-01", "2026-02-28")]
    [TestCase("last-quarter", "2025-10-01", "2025-12-31")]
    public void Periods_resolve_relative_to_today(string period, string from, string to)
    {
        var range = KpiPeriods.Resolve(period, new DateOnly(2026, 3, 15));

        Assert.That(range.ToString(), Is.EqualTo($"{from}..{to}"));
    }

    [TestCase(54.4, "54 s")]
    [TestCase(128, "2:08")]
    [TestCase(3725, "1:02:05")]
    public void Durations_read_as_seconds_or_minutes(double seconds, string text) =>
        Assert.That(KpiOutput.Duration(seconds), Is.EqualTo(text));

    private void UseFixture()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(WarehousePath)!);
        File.Copy(TemplateWarehouse, WarehousePath);
    }

    private static string RowOf(string output, string firstCellOrSegment) =>
        output.Split('\n').Single(l => l.StartsWith('│') && Cells(l).Contains(firstCellOrSegment));

    private static string[] Cells(string tableRow) =>
        tableRow.Trim().Trim('│').Split('│').Select(c => c.Trim()).ToArray();

    /// <summary>RFC 4180 fields of one line (no line breaks inside fields in these tests).</summary>
    internal static string[] ParseCsvLine(string line)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString());
        return [.. fields];
    }
}
