namespace Pipeline.Connectors.Files.Tests;

/// <summary>
/// Files as small teams keep them: ';'-separated with decimal commas (Excel in most of Europe), .xlsx sheets, the same
/// key written twice or in two cases, a target for a KPI id with a typo.
/// </summary>
public sealed class FilesAsPeopleKeepThemTests
{
    [Test]
    public async Task A_semicolon_file_with_decimal_commas_loads_with_the_culture_numbers_and_dates()
    {
        await using var h = await FilesHarness.StartAsync(o => o.Culture = "de-DE");
        h.Write("marketing_costs.csv",
            "date;channel;campaign;cost;currency;note",
            "2026-10-01;podcast;herbst;1234,56;EUR;Host, Folge 12", // 2: a comma in a value needs no quotes here
            "02.10.2026;print;;1.234,5;EUR;",                       // 3: the culture's date and thousands separator
            "2026-10-03;radio;;-20;EUR;Gutschrift",                 // 4
            "2026-10-04;radio;;1,5,0;EUR;",                         // 5: not a de-DE number
            "2026-10-05;radio;;12.34;EUR;");                        // 6: '.' groups thousands in de-DE: 12.34 is no number
        h.Write("fx_rates.csv", "date;currency;rate", "2026-10-01;USD;0,923456789");

        var summary = await h.SyncOkAsync("r1");

        var costs = await h.QueryAsync<(DateOnly Date, string Channel, decimal Cost, string? Note)>(
            "SELECT date, channel, cost, note FROM staging.files_marketing_costs ORDER BY date");
        Assert.That(costs, Is.EqualTo(new[]
        {
            (new DateOnly(2026, 10, 1), "podcast", 1234.56m, (string?)"Host, Folge 12"),
            (new DateOnly(2026, 10, 2), "print", 1234.5m, null),
            (new DateOnly(2026, 10, 3), "radio", -20m, "Gutschrift"),
        }));
        Assert.That(await h.RejectReasonsAsync("marketing_costs"), Is.EqualTo(new[]
        {
            "marketing_costs.csv line 5: cost '1,5,0' is not a number as de-DE writes it (decimal separator ',', e.g. 1.234,5)",
            "marketing_costs.csv line 6: cost '12.34' is not a number as de-DE writes it (decimal separator ',', e.g. 1.234,5)",
        }));
        Assert.That(summary.Window("marketing_costs").Result!.RowsWritten, Is.EqualTo(3));
        Assert.That(await h.ScalarAsync<decimal>("SELECT rate FROM staging.files_fx_rates"), Is.EqualTo(0.923456789m));
    }

    [Test]
    public async Task Without_a_culture_a_semicolon_file_is_still_split_and_a_decimal_comma_is_rejected_not_guessed()
    {
        await using var h = await FilesHarness.StartAsync();
        h.Write("marketing_costs.csv", "date;channel;campaign;cost;currency;note", "2026-10-01;podcast;;99.5;EUR;", "2026-10-02;podcast;;1,234;EUR;");

        await h.SyncOkAsync("r1");

        Assert.That(await h.QueryAsync<decimal>("SELECT cost FROM staging.files_marketing_costs"), Is.EqualTo(new[] { 99.5m }));
        Assert.That(await h.RejectReasonsAsync("marketing_costs"), Is.EqualTo(new[]
        {
            "marketing_costs.csv line 3: cost '1,234' is not a number written with '.' as the decimal point and no thousands separators (e.g. 1234.5); decimal commas need Culture (e.g. de-DE)",
        }));
    }

    [Test]
    public async Task A_comma_file_reads_as_before_and_an_en_us_culture_reads_its_thousands_separators()
    {
        await using var h = await FilesHarness.StartAsync(o => o.KpiTargets = new FileEntryOptions { Culture = "en-US", Delimiter = "," });
        h.Write("marketing_costs.csv", "date,channel,campaign,cost,currency,note", "2026-10-01,podcast,\"a;b\",1234.56,EUR,\"x; y\"");
        h.Write("kpi_targets.csv", "kpi,period_start,period_end,target,segment", "revenue,10/1/2026,12/31/2026,\"1,250,000.50\",");

        await h.SyncOkAsync("r1");

        Assert.That(await h.QueryAsync<(string Campaign, decimal Cost, string Note)>("SELECT campaign, cost, note FROM staging.files_marketing_costs"),
            Is.EqualTo(new[] { ("a;b", 1234.56m, "x; y") }), "semicolons inside quotes do not make a ';' file");
        Assert.That(await h.QueryAsync<(DateOnly Start, decimal Target)>("SELECT period_start, target FROM staging.files_kpi_targets"),
            Is.EqualTo(new[] { (new DateOnly(2026, 10, 1), 1250000.5m) }));
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM etl.rejected_records"), Is.Zero);
    }

    [Test]
    public async Task A_configured_delimiter_wins_over_detection_and_a_wrong_one_says_so()
    {
        await using var h = await FilesHarness.StartAsync(o => o.Delimiter = ",");
        h.Write("fx_rates.csv", "date;currency;rate", "2026-10-01;USD;0.92");

        var summary = (await h.SyncAsync("r1")).Single();

        Assert.That(summary.Window("fx_rates").Error, Does.Contain("fx_rates.csv: unknown column 'date;currency;rate'").And.Contain("is Delimiter ',' right?"));
    }

    [Test]
    public async Task An_xlsx_cost_sheet_loads_with_typed_dates_and_numbers_and_rejects_name_sheet_and_row()
    {
        await using var h = await FilesHarness.StartAsync(o => o.MarketingCosts = new FileEntryOptions { Path = "Kosten 2026.xlsx", Sheet = "costs" });
        XlsxWriter.Write(Path.Combine(h.Folder, "Kosten 2026.xlsx"),
            ("Notes", [["nothing to load here"]]),
            ("Costs",
            [
                ["Date", "Channel", "Campaign", "Cost", "Currency", "Note"],
                [new DateTime(2026, 10, 1), "Podcast", "Herbst", 1234.56, "EUR", "date cell"], // 2
                [46297.0, "print", null, 0.1 + 0.2, "EUR", "serial day in a date column"],        // 3: 2026-10-02
                null,                                                                           // 4: an empty row
                ["2026-10-03", "radio", 2026, 100, "eur", null],                                 // 5: text date, a number as campaign
                [new DateTime(2026, 10, 4), "radio", null, "zehn", "EUR", null],                // 6: rejected
            ]));

        var summary = await h.SyncOkAsync("r1");

        var rows = await h.QueryAsync<(DateOnly Date, string Channel, string Campaign, decimal Cost, string Currency, long Line, string File)>(
            "SELECT date, channel, campaign, cost, currency, line_number, source_file FROM staging.files_marketing_costs ORDER BY date");
        Assert.That(rows, Is.EqualTo(new[]
        {
            (new DateOnly(2026, 10, 1), "podcast", "Herbst", 1234.56m, "EUR", 2L, "Kosten 2026.xlsx"),
            (new DateOnly(2026, 10, 2), "print", "", 0.3m, "EUR", 3L, "Kosten 2026.xlsx"),
            (new DateOnly(2026, 10, 3), "radio", "2026", 100m, "EUR", 5L, "Kosten 2026.xlsx"),
        }));
        Assert.That(await h.RejectReasonsAsync("marketing_costs"), Is.EqualTo(new[]
        {
            "Kosten 2026.xlsx sheet 'Costs' row 6: cost 'zehn' is not a number written with '.' as the decimal point and no thousands separators (e.g. 1234.5); decimal commas need Culture (e.g. de-DE)",
        }));
        var payload = await h.ScalarAsync<string>("SELECT payload FROM etl.rejected_records");
        Assert.That(payload, Does.Contain("\"file\":\"Kosten 2026.xlsx\"").And.Contain("\"sheet\":\"Costs\"").And.Contain("\"line\":6"));
        Assert.That(summary.Window("marketing_costs").Result!.Cursor, Does.EndWith(":" + await CsvFile.Sha256Async(Path.Combine(h.Folder, "Kosten 2026.xlsx"), CancellationToken.None)));

        var again = await h.SyncOkAsync("r2");
        Assert.That(again.Window("marketing_costs").Result!.RowsRead, Is.Zero, "an unchanged workbook is not read again");
    }

    [Test]
    public async Task A_decimal_comma_in_a_text_cell_follows_the_culture_while_number_cells_never_do()
    {
        await using var h = await FilesHarness.StartAsync(o =>
        {
            o.Culture = "de-DE";
            o.FxRates = new FileEntryOptions { Path = "fx.xlsx" };
        });
        XlsxWriter.Write(Path.Combine(h.Folder, "fx.xlsx"), ("Tabelle1",
        [
            ["date", "currency", "rate"],
            ["01.10.2026", "USD", "0,92"],
            [new DateTime(2026, 10, 2), "USD", 1.5],
        ]));

        await h.SyncOkAsync("r1");

        Assert.That(await h.QueryAsync<decimal>("SELECT rate FROM staging.files_fx_rates ORDER BY date"), Is.EqualTo(new[] { 0.92m, 1.5m }));
    }

    [Test]
    public async Task A_missing_sheet_or_a_file_that_is_no_workbook_fails_the_file_naming_it()
    {
        await using var h = await FilesHarness.StartAsync(o =>
        {
            o.MarketingCosts = new FileEntryOptions { Path = "costs.xlsx", Sheet = "2027" };
            o.FxRates = new FileEntryOptions { Path = "fx.xlsx" };
        });
        XlsxWriter.Write(Path.Combine(h.Folder, "costs.xlsx"), ("2025", [["date"]]), ("2026", [["date"]]));
        h.Write("fx.xlsx", "date,currency,rate", "2026-10-01,USD,0.92");

        var summary = (await h.SyncAsync("r1")).Single();

        Assert.That(summary.Window("marketing_costs").Error, Does.Contain("costs.xlsx: the workbook has no sheet '2027' (its sheets: '2025', '2026')"));
        Assert.That(summary.Window("fx_rates").Error, Does.Contain("fx.xlsx: the file cannot be read as an .xlsx workbook"));
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM staging.files_fx_rates"), Is.Zero);
    }

    [Test]
    public async Task A_key_written_twice_keeps_the_later_line_and_rejects_the_earlier_naming_file_and_both_lines()
    {
        await using var h = await FilesHarness.StartAsync(o => o.BatchSize = 2);
        h.Write("marketing_costs.csv",
            "date,channel,campaign,cost,currency,note",
            "2026-10-01,audio,podcast,10,EUR,first",   // 2
            "2026-10-01,print,,5,EUR,",                // 3
            "2026-10-02,audio,podcast,7,EUR,",         // 4
            "2026-10-01,print,,oops,EUR,",             // 5: rejected for its cost; it does not replace line 3
            "2026-10-01,audio,podcast,12,EUR,second"); // 6

        var summary = await h.SyncOkAsync("r1");

        Assert.That(await h.RejectReasonsAsync("marketing_costs"), Is.EquivalentTo(new[]
        {
            "marketing_costs.csv line 2: duplicate primary key (2026-10-01, audio, podcast): line 6 has the same key and is kept",
            "marketing_costs.csv line 5: cost 'oops' is not a number written with '.' as the decimal point and no thousands separators (e.g. 1234.5); decimal commas need Culture (e.g. de-DE)",
        }), "one reject per duplicate, with file and lines: not also the loader's keyless one");
        Assert.That(await h.QueryAsync<string>("SELECT concat_ws('|', date, channel, cost, note, line_number) FROM staging.files_marketing_costs ORDER BY line_number"), Is.EqualTo(new[]
        {
            "2026-10-01|print|5.000000000|3",
            "2026-10-02|audio|7.000000000|4",
            "2026-10-01|audio|12.000000000|second|6",
        }));
        Assert.That(summary.Window("marketing_costs").Result!.RowsRejected, Is.EqualTo(2));
    }

    [Test]
    public async Task Channel_and_campaign_in_another_case_or_with_spaces_are_one_key_so_a_cost_counts_once()
    {
        await using var h = await FilesHarness.StartAsync();
        h.Write("marketing_costs.csv",
            "date,channel,campaign,cost,currency,note",
            "2026-10-01,Podcast,Herbst,100,EUR,",
            "2026-10-01, podcast , herbst ,100,EUR,",
            "2026-10-02,PODCAST,,50,EUR,");

        await h.SyncOkAsync("r1");

        Assert.That(await h.QueryAsync<string>("SELECT concat_ws('|', date, channel, campaign, cost) FROM staging.files_marketing_costs ORDER BY date"), Is.EqualTo(new[]
        {
            "2026-10-01|podcast|herbst|100.000000000",
            "2026-10-02|podcast||50.000000000",
        }));
        Assert.That(await h.RejectReasonsAsync("marketing_costs"), Is.EqualTo(new[]
        {
            "marketing_costs.csv line 2: duplicate primary key (2026-10-01, podcast, Herbst): line 3 has the same key and is kept",
        }));
    }

    [Test]
    public async Task A_target_for_an_unknown_kpi_is_rejected_naming_the_closest_id()
    {
        await using var h = await FilesHarness.StartAsync();
        h.Write("kpi_targets.csv",
            "kpi,period_start,period_end,target,segment",
            "revenue,2026-10-01,2026-12-31,100000,",
            "revenu,2026-10-01,2026-12-31,100000,DACH",
            " ROAS ,2026-10-01,2026-12-31,3,",
            "cost_per_lead,2026-10-01,2026-12-31,40,");

        await h.SyncOkAsync("r1");

        Assert.That(await h.QueryAsync<string>("SELECT kpi FROM staging.files_kpi_targets ORDER BY kpi"), Is.EqualTo(new[] { "revenue", "roas" }));
        Assert.That(await h.RejectReasonsAsync("kpi_targets"), Is.EqualTo(new[]
        {
            "kpi_targets.csv line 3: unknown KPI 'revenu'; did you mean 'revenue'? (the KPI ids are listed by 'pipeline catalog')",
            $"kpi_targets.csv line 5: unknown KPI 'cost_per_lead'; did you mean '{KpiIds.Closest("cost_per_lead")}'? (the KPI ids are listed by 'pipeline catalog')",
        }));
        Assert.That(DidYouMean.Distance("revenu", "revenue"), Is.EqualTo(1));
        Assert.That(DidYouMean.Distance("cpl", "cpa"), Is.EqualTo(1));
        Assert.That(DidYouMean.Distance("", "roas"), Is.EqualTo(4));
    }
}
