using System.Text;
using Pipeline.Etl.Sync;

namespace Pipeline.Connectors.Files.Tests;

public sealed class FilesConnectorTests
{
    private const string CostsHeader = "date,channel,campaign,cost,currency,note";

    [Test]
    public async Task The_example_files_load_without_rejects()
    {
        await using var h = await FilesHarness.StartAsync();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(TestContext.CurrentContext.TestDirectory, "examples"), "*.csv"))
        {
            File.Copy(file, Path.Combine(h.Folder, Path.GetFileName(file)));
        }

        var summary = await h.SyncOkAsync("r1");

        Assert.That(summary.Windows.Select(w => (w.Stream, w.Result!.RowsRejected)), Is.EquivalentTo(new[]
        {
            ("marketing_costs", 0L), ("nps_responses", 0L), ("kpi_targets", 0L), ("fx_rates", 0L),
        }));
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM staging.files_marketing_costs"), Is.EqualTo(5));
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM staging.files_nps_responses"), Is.EqualTo(6));
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM staging.files_kpi_targets"), Is.EqualTo(5));
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM staging.files_fx_rates"), Is.EqualTo(5));
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM etl.rejected_records"), Is.Zero);
    }

    [Test]
    public async Task Every_format_loads_with_typed_values_and_its_file_columns()
    {
        await using var h = await FilesHarness.StartAsync(o => o.AccountId = "acme");
        // Column order is free and header names are case-insensitive.
        h.Write("marketing_costs.csv", "Currency,COST,date,Channel,Campaign,Note", "eur,1234.56,2025-03-01,podcast,spring,host read", "USD,-20,2025-03-02,print,,refund");
        h.Write("nps_responses.csv", "date,score,customer email,channel", "2025-03-02,0,a@example.com,email", "2025-03-03,10,,");
        h.Write("kpi_targets.csv", "kpi,Period Start,period-end,target", "revenue,2025-01-01,2025-03-31,250000.125");
        h.Write("fx_rates.csv", "date,currency,rate", "2025-03-01,USD,0.923456789");

        await h.SyncOkAsync("r1");

        var cost = (await h.QueryAsync(
            "SELECT date, channel, campaign, cost, currency, note, source_file, file_sha256, line_number, file_version, _account_id FROM staging.files_marketing_costs ORDER BY date"))[0];
        var sha = await CsvFile.Sha256Async(Path.Combine(h.Folder, "marketing_costs.csv"), CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That((DateOnly)cost.date, Is.EqualTo(new DateOnly(2025, 3, 1)));
            Assert.That((string)cost.channel, Is.EqualTo("podcast"));
            Assert.That((string)cost.campaign, Is.EqualTo("spring"));
            Assert.That((decimal)cost.cost, Is.EqualTo(1234.56m));
            Assert.That((string)cost.currency, Is.EqualTo("EUR"));
            Assert.That((string)cost.note, Is.EqualTo("host read"));
            Assert.That((string)cost.source_file, Is.EqualTo("marketing_costs.csv"));
            Assert.That((string)cost.file_sha256, Is.EqualTo(sha));
            Assert.That((long)cost.line_number, Is.EqualTo(2));
            Assert.That((string)cost.file_version, Is.EqualTo("0000000001:" + sha));
            Assert.That((string)cost._account_id, Is.EqualTo("acme"));
        });
        Assert.That(await h.QueryAsync<string>("SELECT campaign FROM staging.files_marketing_costs WHERE channel = 'print'"), Is.EqualTo(new[] { "" }), "an empty campaign is ''");
        Assert.That(await h.ScalarAsync<decimal>("SELECT cost FROM staging.files_marketing_costs WHERE channel = 'print'"), Is.EqualTo(-20m));
        Assert.That(await h.ScalarAsync<string>("SELECT typeof(score) FROM staging.files_nps_responses LIMIT 1"), Is.EqualTo("BIGINT"));
        Assert.That(await h.QueryAsync<long>("SELECT score FROM staging.files_nps_responses ORDER BY date"), Is.EqualTo(new[] { 0L, 10L }));
        Assert.That(await h.ScalarAsync<string>("SELECT email_sha256 FROM staging.files_nps_responses WHERE score = 0"), Is.EqualTo(NpsResponsesFormat.HashEmail("a@example.com")));
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM staging.files_nps_responses WHERE score = 10 AND email_sha256 IS NULL AND channel IS NULL"), Is.EqualTo(1));
        var target = (await h.QueryAsync("SELECT kpi, period_start, period_end, target, segment FROM staging.files_kpi_targets"))[0];
        Assert.That(((string)target.kpi, (DateOnly)target.period_start, (DateOnly)target.period_end, (decimal)target.target, (string)target.segment),
            Is.EqualTo(("revenue", new DateOnly(2025, 1, 1), new DateOnly(2025, 3, 31), 250000.125m, "")));
        Assert.That(await h.ScalarAsync<decimal>("SELECT rate FROM staging.files_fx_rates WHERE currency = 'USD'"), Is.EqualTo(0.923456789m));
        Assert.That(await h.ScalarAsync<string>("SELECT typeof(date) FROM staging.files_fx_rates"), Is.EqualTo("DATE"));
    }

    [Test]
    public async Task Bad_lines_are_rejected_with_file_line_and_reason_and_the_rest_loads()
    {
        await using var h = await FilesHarness.StartAsync();
        h.Write("marketing_costs.csv",
            CostsHeader,
            "2025-03-01,podcast,a,100.5,EUR,ok",          // 2
            "2025-13-01,podcast,b,100,EUR,bad date",      // 3
            "2025-03-02,podcast,c,\"1,5\",EUR,comma",     // 4
            "2025-03-02,podcast,d,1.234,5,EUR,shifted",   // 5: the comma splits the value: 7 values
            "2025-03-02,podcast,e,\"1.234,5\",EUR,german",// 6
            "2025-03-02,,f,10,EUR,no channel",            // 7
            "2025-03-02,podcast,g,10,EURO,bad currency",  // 8
            "2025-03-02,podcast,h,10,EUR",                // 9: 5 values
            "03/02/2025,podcast,i,10,EUR,us date",        // 10
            "2025-03-03,radio,,99.99,gbp,ok");            // 11
        h.Write("nps_responses.csv", "date,score,email,channel", "2025-03-01,11,,web", "2025-03-01,-1,,web", "2025-03-01,7.5,,web", "2025-03-01,7,,web");
        h.Write("fx_rates.csv", "date,currency,rate", "2025-03-01,USD,0", "2025-03-01,GBP,1.19", "2025-03-01,CHF,");
        h.Write("kpi_targets.csv", "kpi,period_start,period_end,target,segment", "cac,2025-03-31,2025-01-01,40,", "cac,2025-01-01,2025-03-31,40,");

        var summary = await h.SyncOkAsync("r1");

        Assert.That(await h.QueryAsync<string>("SELECT campaign FROM staging.files_marketing_costs ORDER BY campaign"), Is.EqualTo(new[] { "", "a" }));
        var reasons = await h.RejectReasonsAsync("marketing_costs");
        Assert.That(reasons, Has.Count.EqualTo(8));
        Assert.That(reasons, Has.Some.EqualTo("marketing_costs.csv line 3: date '2025-13-01' is not a yyyy-MM-dd date"));
        Assert.That(reasons, Has.Some.StartsWith("marketing_costs.csv line 4: cost '1,5' is not a number written with '.'"));
        Assert.That(reasons, Has.Some.EqualTo("marketing_costs.csv line 5: has 7 values, the header has 6"));
        Assert.That(reasons, Has.Some.StartsWith("marketing_costs.csv line 6: cost '1.234,5' is not a number"));
        Assert.That(reasons, Has.Some.EqualTo("marketing_costs.csv line 7: missing required value 'channel'"));
        Assert.That(reasons, Has.Some.StartsWith("marketing_costs.csv line 8: currency 'EURO' is not a 3-letter ISO 4217"));
        Assert.That(reasons, Has.Some.EqualTo("marketing_costs.csv line 9: has 5 values, the header has 6"));
        Assert.That(reasons, Has.Some.EqualTo("marketing_costs.csv line 10: date '03/02/2025' is not a yyyy-MM-dd date"));
        Assert.That(summary.Window("marketing_costs").Result!.RowsRejected, Is.EqualTo(8));
        Assert.That(summary.Window("marketing_costs").Result!.RowsWritten, Is.EqualTo(2));

        Assert.That(await h.RejectReasonsAsync("nps_responses"), Is.EqualTo(new[]
        {
            "nps_responses.csv line 2: score '11' is not a whole number from 0 to 10",
            "nps_responses.csv line 3: score '-1' is not a whole number from 0 to 10",
            "nps_responses.csv line 4: score '7.5' is not a whole number from 0 to 10",
        }));
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM staging.files_nps_responses"), Is.EqualTo(1));
        Assert.That(await h.RejectReasonsAsync("fx_rates"), Is.EqualTo(new[]
        {
            "fx_rates.csv line 2: rate '0' must be greater than 0",
            "fx_rates.csv line 4: missing required value 'rate'",
        }));
        Assert.That(await h.RejectReasonsAsync("kpi_targets"), Is.EqualTo(new[] { "kpi_targets.csv line 2: period_end 2025-01-01 is before period_start 2025-03-31" }));

        var payload = await h.ScalarAsync<string>("SELECT payload FROM etl.rejected_records WHERE reason LIKE 'marketing_costs.csv line 4:%'");
        Assert.That(payload, Does.Contain("\"file\":\"marketing_costs.csv\"").And.Contain("\"line\":4").And.Contain("\"cost\":\"1,5\""));
    }

    [Test]
    public async Task A_second_run_over_unchanged_files_reads_nothing_and_changes_nothing()
    {
        await using var h = await FilesHarness.StartAsync();
        h.Write("marketing_costs.csv", CostsHeader, "2025-03-01,podcast,a,100,EUR,", "2025-03-01,podcast,a,oops,EUR,");
        h.Write("fx_rates.csv", "date,currency,rate", "2025-03-01,USD,0.92");

        await h.SyncOkAsync("r1");
        var before = await h.QueryAsync<string>("SELECT concat_ws('|', date, channel, campaign, cost, file_version, _run_id, _loaded_at) FROM staging.files_marketing_costs");
        var rejectsBefore = await h.ScalarAsync<long>("SELECT count(*) FROM etl.rejected_records");

        var second = await h.SyncOkAsync("r2");

        Assert.That(second.Windows.Select(w => w.Result!.RowsRead), Is.All.Zero);
        Assert.That(second.RowsWritten, Is.Zero);
        Assert.That(await h.QueryAsync<string>("SELECT concat_ws('|', date, channel, campaign, cost, file_version, _run_id, _loaded_at) FROM staging.files_marketing_costs"), Is.EqualTo(before));
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM etl.rejected_records"), Is.EqualTo(rejectsBefore), "rejects are not written again");
        Assert.That(h.Logs.Messages, Has.Some.Contains("marketing_costs.csv is unchanged"));
    }

    [Test]
    public async Task A_changed_file_is_read_again_and_its_rows_replace_the_old_ones()
    {
        await using var h = await FilesHarness.StartAsync();
        h.Write("marketing_costs.csv", CostsHeader,
            "2025-03-01,podcast,a,100,EUR,",
            "2025-03-01,print,,50,EUR,",
            "2025-03-02,radio,b,70,EUR,to be removed");
        await h.SyncOkAsync("r1");
        var firstSha = await CsvFile.Sha256Async(Path.Combine(h.Folder, "marketing_costs.csv"), CancellationToken.None);

        // Edited value, a line removed, a line added, and the lines in another order.
        h.Write("marketing_costs.csv", CostsHeader,
            "2025-03-03,events,c,300,EUR,new",
            "2025-03-01,print,,55,EUR,corrected",
            "2025-03-01,podcast,a,100,EUR,");
        var second = await h.SyncOkAsync("r2");
        var secondSha = await CsvFile.Sha256Async(Path.Combine(h.Folder, "marketing_costs.csv"), CancellationToken.None);

        Assert.That(second.Window("marketing_costs").Result!.RowsRead, Is.EqualTo(3), "every line of a changed file is read again");
        Assert.That(second.Window("marketing_costs").Result!.Cursor, Is.EqualTo("0000000002:" + secondSha));

        // The file's current rows are those of its newest version (what views read).
        var current = await h.QueryAsync<string>(
            """
            SELECT concat_ws('|', date, channel, campaign, cost, line_number) FROM staging.files_marketing_costs
            WHERE file_version = (SELECT max(file_version) FROM staging.files_marketing_costs) ORDER BY line_number
            """);
        Assert.That(current, Is.EqualTo(new[]
        {
            "2025-03-03|events|c|300.000000000|2",
            "2025-03-01|print||55.000000000|3",
            "2025-03-01|podcast|a|100.000000000|4",
        }));
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM staging.files_marketing_costs WHERE channel = 'print'"), Is.EqualTo(1), "an edited row replaces its old version");

        // The entity loader upserts by key and cannot delete: a removed line stays behind, marked by its old version.
        var stale = await h.QueryAsync<string>("SELECT concat_ws('|', channel, file_sha256) FROM staging.files_marketing_costs WHERE file_sha256 <> $secondSha", new { secondSha });
        Assert.That(stale, Is.Empty, "snapshot: the removed line is gone " + firstSha);
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM staging.files_marketing_costs"), Is.EqualTo(3));
        h.Write("marketing_costs.csv", CostsHeader);
        await h.SyncOkAsync("r2b");
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM staging.files_marketing_costs"), Is.Zero, "header only: no rows");
        h.Write("marketing_costs.csv", CostsHeader,
            "2025-03-03,events,c,300,EUR,new",
            "2025-03-01,print,,55,EUR,corrected",
            "2025-03-01,podcast,a,100,EUR,");
        await h.SyncOkAsync("r2c");
        File.Delete(Path.Combine(h.Folder, "marketing_costs.csv"));
        await h.SyncOkAsync("r2d");
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM staging.files_marketing_costs"), Is.EqualTo(3), "a missing file keeps its rows");

        // A third version that changes nothing but the order is read again and keeps every key once.
        h.Write("marketing_costs.csv", CostsHeader, "2025-03-01,podcast,a,100,EUR,", "2025-03-03,events,c,300,EUR,new", "2025-03-01,print,,55,EUR,corrected");
        await h.SyncOkAsync("r3");
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM staging.files_marketing_costs WHERE file_version LIKE '0000000002:%'"), Is.EqualTo(3));
    }

    [Test]
    public async Task Nps_keys_do_not_depend_on_the_line_and_identical_responses_stay_distinct()
    {
        await using var h = await FilesHarness.StartAsync();
        h.Write("nps_responses.csv", "date,score,email,channel", "2025-03-04,3,,web", "2025-03-01,9,x@example.com,email", "2025-03-04,3,,web");
        await h.SyncOkAsync("r1");
        var keys = await h.QueryAsync<string>("SELECT response_key FROM staging.files_nps_responses ORDER BY response_key");

        h.Write("nps_responses.csv", "channel,date,score,email", "email,2025-03-01,9,X@Example.com ", "web,2025-03-04,3,", "web,2025-03-04,3,");
        await h.SyncOkAsync("r2");

        Assert.That(keys, Has.Count.EqualTo(3).And.Unique);
        Assert.That(keys.Count(k => k.EndsWith(":2", StringComparison.Ordinal)), Is.EqualTo(1), "the second identical response is occurrence 2");
        Assert.That(await h.QueryAsync<string>("SELECT response_key FROM staging.files_nps_responses ORDER BY response_key"), Is.EqualTo(keys),
            "moved lines (and the same address in another case) keep their keys");
    }

    [Test]
    public async Task An_email_address_never_reaches_the_warehouse()
    {
        await using var h = await FilesHarness.StartAsync();
        h.Write("nps_responses.csv", "date,score,email,channel",
            "2025-03-02,9, Anna.Schmidt@Example.com ,email",
            "2025-03-02,11,jonas@example.org,email",      // bad score: rejected
            "2025-03-02,8,lea@example.net",              // wrong column count: rejected
            "2025-03-02,8,\"lea@example.net\",web,extra",
            "jonas@example.org,9,,web");                  // address in the date column: rejected, the reason quotes its hash
        await h.SyncOkAsync("r1");

        var everything = string.Join('\n',
            (await h.QueryAsync<string>("SELECT to_json(t)::VARCHAR FROM staging.files_nps_responses t"))
            .Concat(await h.QueryAsync<string>("SELECT reason || ' ' || coalesce(payload, '') FROM etl.rejected_records")));
        Assert.That(everything, Does.Not.Contain("@"));
        Assert.That(everything, Does.Not.Contain("jonas").IgnoreCase.And.Not.Contain("anna").IgnoreCase.And.Not.Contain("lea@"));
        Assert.That(await h.ScalarAsync<string>("SELECT email_sha256 FROM staging.files_nps_responses"), Is.EqualTo(NpsResponsesFormat.HashEmail("anna.schmidt@example.com")));
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM etl.rejected_records WHERE payload LIKE '%sha256:%'"), Is.EqualTo(4), "rejected addresses appear as their hash");
        Assert.That(await h.RejectReasonsAsync("nps_responses"), Has.Some.EqualTo(
            $"nps_responses.csv line 6: date 'sha256:{NpsResponsesFormat.HashEmail("jonas@example.org")}' is not a yyyy-MM-dd date"));
    }

    [Test]
    public async Task A_file_without_its_header_row_fails_without_quoting_an_address()
    {
        await using var h = await FilesHarness.StartAsync();
        h.Write("nps_responses.csv", "2025-03-02,9,anna@example.com,email");

        var summary = (await h.SyncAsync("r1")).Single();

        Assert.That(summary.Window("nps_responses").Error, Does.Contain("unknown column '2025-03-02'").And.Contain("header row missing").And.Not.Contain("@"));
        Assert.That(await h.QueryAsync<string>("SELECT coalesce(error, '') FROM etl.sync_runs"), Has.None.Contain("@"));
    }

    [Test]
    public async Task Files_with_a_bom_and_crlf_line_ends_load()
    {
        await using var h = await FilesHarness.StartAsync();
        var text = "date,currency,rate\r\n2025-03-01,USD,0.92\r\n2025-03-02,USD,0.93\r\n";
        h.WriteBytes("fx_rates.csv", [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text)]);
        h.WriteWithNewline("kpi_targets.csv", "\r\n", "kpi,period_start,period_end,target,segment", "revenue,2025-01-01,2025-03-31,100,Zürich");

        var summary = await h.SyncOkAsync("r1");

        Assert.That(summary.Window("fx_rates").Result!.RowsRejected, Is.Zero);
        Assert.That(await h.QueryAsync<long>("SELECT line_number FROM staging.files_fx_rates ORDER BY date"), Is.EqualTo(new[] { 2L, 3L }));
        Assert.That(await h.ScalarAsync<string>("SELECT segment FROM staging.files_kpi_targets"), Is.EqualTo("Zürich"));
    }

    [Test]
    public async Task Quoted_fields_may_hold_commas_quotes_and_line_breaks()
    {
        await using var h = await FilesHarness.StartAsync();
        h.WriteWithNewline("marketing_costs.csv", "\r\n",
            CostsHeader,
            "2025-03-01,podcast,\"spring, launch\",\"100.50\",EUR,\"Host read \"\"A\"\", ep. 1\"",
            "2025-03-02,radio,b,20,EUR,\"two\r\nlines\nthree\"",
            "2025-03-03,print,c,30,EUR,after");

        await h.SyncOkAsync("r1");

        var rows = await h.QueryAsync<(string Campaign, decimal Cost, string Note, long Line)>(
            "SELECT campaign, cost, note, line_number FROM staging.files_marketing_costs ORDER BY date");
        Assert.That(rows, Is.EqualTo(new[]
        {
            ("spring, launch", 100.5m, "Host read \"A\", ep. 1", 2L),
            ("b", 20m, "two\r\nlines\nthree", 3L),
            ("c", 30m, "after", 6L),
        }));
    }

    [Test]
    public async Task A_header_that_does_not_match_fails_that_file_only_naming_the_column()
    {
        await using var h = await FilesHarness.StartAsync();
        h.Write("marketing_costs.csv", "date,channel,cost,currency,budget", "2025-03-01,podcast,100,EUR,5");
        h.Write("fx_rates.csv", "date,rate", "2025-03-01,1");
        h.Write("kpi_targets.csv", "kpi,period_start,period_end,target,kpi", "a,2025-01-01,2025-01-31,1,a");
        h.Write("nps_responses.csv", "date,score", "2025-03-01,9");

        var summary = (await h.SyncAsync("r1")).Single();

        Assert.That(summary.Window("marketing_costs").Error, Does.Contain("marketing_costs.csv: unknown column 'budget'"));
        Assert.That(summary.Window("fx_rates").Error, Does.Contain("fx_rates.csv: missing required column 'currency'"));
        Assert.That(summary.Window("kpi_targets").Error, Does.Contain("column 'kpi' appears twice"));
        Assert.That(summary.Window("nps_responses").Result!.RowsWritten, Is.EqualTo(1), "the other files still load");
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM staging.files_marketing_costs"), Is.Zero);
    }

    [Test]
    public async Task Other_encodings_are_refused_with_a_clear_reason()
    {
        await using var h = await FilesHarness.StartAsync();
        h.WriteBytes("fx_rates.csv", Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("date,currency,rate\n2025-03-01,USD,1\n")).ToArray());
        // "Zürich" in Latin-1: 0xFC is not valid UTF-8.
        h.WriteBytes("kpi_targets.csv", Encoding.Latin1.GetBytes("kpi,period_start,period_end,target,segment\nrevenue,2025-01-01,2025-03-31,100,Zürich\n"));

        var summary = (await h.SyncAsync("r1")).Single();

        Assert.That(summary.Window("fx_rates").Error, Does.Contain("fx_rates.csv: the file is UTF-16 encoded").And.Contain("save it as UTF-8"));
        Assert.That(summary.Window("kpi_targets").Error, Does.Contain("kpi_targets.csv: the file is not valid UTF-8"));
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM staging.files_kpi_targets"), Is.Zero);
    }

    [Test]
    public async Task Missing_files_load_nothing_and_other_files_are_ignored_with_a_log_line()
    {
        await using var h = await FilesHarness.StartAsync();
        h.Write("notes.txt", "hello");
        h.Write("Marketing_Costs_2024.csv", CostsHeader, "2025-03-01,podcast,a,100,EUR,");

        var summary = await h.SyncOkAsync("r1");

        Assert.That(summary.RowsWritten, Is.Zero);
        Assert.That(summary.Windows, Has.Count.EqualTo(4));
        Assert.That(h.Logs.Messages, Has.Some.Contains("ignoring 'notes.txt'").And.Some.Contains("ignoring 'Marketing_Costs_2024.csv'"));
        Assert.That(h.Logs.Messages, Has.Some.Contains("no fx_rates.csv"));
    }

    [Test]
    public async Task An_empty_or_header_only_file_loads_nothing()
    {
        await using var h = await FilesHarness.StartAsync();
        h.WriteBytes("fx_rates.csv", []);
        h.Write("kpi_targets.csv", "kpi,period_start,period_end,target");

        var summary = await h.SyncOkAsync("r1");

        Assert.That(summary.RowsWritten, Is.Zero);
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM etl.rejected_records"), Is.Zero);
    }

    [Test]
    public async Task Small_batches_stream_a_larger_file()
    {
        await using var h = await FilesHarness.StartAsync(o => o.BatchSize = 7);
        var lines = Enumerable.Range(0, 500).Select(i => $"{new DateOnly(2024, 1, 1).AddDays(i):yyyy-MM-dd},USD,1.{i:D3}");
        h.Write("fx_rates.csv", ["date,currency,rate", .. lines, "2025-01-01,USD,1,5"]);

        var summary = await h.SyncOkAsync("r1");

        Assert.That(summary.Window("fx_rates").Result!.RowsWritten, Is.EqualTo(500));
        Assert.That(await h.RejectReasonsAsync("fx_rates"), Is.EqualTo(new[] { "fx_rates.csv line 502: has 4 values, the header has 3" }));
        Assert.That(await h.ScalarAsync<decimal>("SELECT rate FROM staging.files_fx_rates WHERE date = DATE '2024-01-11'"), Is.EqualTo(1.010m));
    }

    [Test]
    public async Task Only_the_requested_streams_run()
    {
        await using var h = await FilesHarness.StartAsync();
        h.Write("fx_rates.csv", "date,currency,rate", "2025-03-01,USD,0.92");
        h.Write("kpi_targets.csv", "kpi,period_start,period_end,target", "cac,2025-01-01,2025-03-31,40");

        var summary = (await h.SyncAsync("r1", new SyncRequest("r1") { Streams = new HashSet<string> { "fx_rates" } })).Single();

        Assert.That(summary.Windows.Select(w => w.Stream), Is.EqualTo(new[] { "fx_rates" }));
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM staging.files_kpi_targets"), Is.Zero);
    }
}
