using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Dapper;
using DuckDB.NET.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Connectors.Ga4;
using Pipeline.Connectors.HubSpot;
using Pipeline.Connectors.Mailchimp;
using Pipeline.Connectors.Meta;
using Pipeline.Connectors.Streams;
using Pipeline.Etl;
using Pipeline.Etl.Configuration;
using Pipeline.Etl.Sync;
using Pipeline.Warehouse;
using Pipeline.Warehouse.DuckDb;
using Pipeline.Warehouse.Marts;

namespace Pipeline.Benchmarks;

/// <summary>One measurement in its own process, so its peak working set is its own and nothing it allocated lingers.</summary>
internal static class Child
{
    public static readonly ReportingSettings Reporting = new() { Currency = "EUR", TimeZone = "Europe/Berlin" };

    /// <summary>The GA4 report the ingest cases read: one row per traffic segment (landing page with its click id).</summary>
    public const string Ga4LandingStream = "bench_landing";

    public static async Task<ChildResult> RunAsync(ChildSpec spec)
    {
        return spec.Kind switch
        {
            "sync" => await SyncAsync(spec),
            "floor" => Floor(spec),
            "empty-history" => await EmptyHistoryAsync(spec),
            "queries" => await QueriesAsync(spec),
            "publish" => await PublishAsync(spec),
            "scale-up" => await ScaleUpAsync(spec),
            "rebuild-marts" => await RebuildMartsAsync(spec),
            "serve-ga4" => await ServeGa4Async(spec),
            _ => throw new ArgumentException($"unknown child kind '{spec.Kind}'"),
        };
    }

    /// <summary>Peak resident set of this process (VmHWM), what Process.PeakWorkingSet64 reports on Linux.</summary>
    /// <summary>
    /// CPU time (user + kernel, all threads) of this process so far. The sandbox runs in the parent process, so a
    /// child's figure is the pipeline's own work (plus the 100 ms memory sampler's small queries).
    /// </summary>
    public static TimeSpan CpuTime()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    public static double PeakWorkingSetMb()
    {
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        return self.PeakWorkingSet64 / (1024.0 * 1024.0);
    }

    private static SourcesOptions Sources(ChildSpec spec)
    {
        var sources = new SourcesOptions();
        var ga4 = new Ga4Options
        {
            BaseUrl = new Uri(spec.Ga4Base),
            TokenUrl = new Uri(spec.TokenUrl),
            Properties = [new Ga4PropertyOptions { PropertyId = spec.Ga4Property, ServiceAccountKeyJson = spec.Ga4KeyJson, FirstRunDays = spec.FirstRunDays }],
        };
        var meta = new MetaOptions
        {
            BaseUrl = new Uri(spec.MetaBase),
            AccessToken = spec.MetaToken,
            AdAccountIds = [.. spec.MetaAccounts],
            FirstRunDays = Math.Min(spec.FirstRunDays, MetaOptions.MaxHistoryDays),
            AsyncPollInterval = TimeSpan.FromMilliseconds(50),
        };
        if (spec.MetaPageSize is { } pageSize)
        {
            meta.PageSize = pageSize;
        }

        if (spec.NoMetaPacing)
        {
            meta.PacingThresholdPercent = 100;
            meta.PacingMaxPause = TimeSpan.Zero;
        }
        switch (spec.Sources)
        {
            case "ga4-landing":
                ga4.CustomReports =
                [
                    new Ga4CustomReportOptions
                    {
                        Name = Ga4LandingStream,
                        Dimensions = ["landingPagePlusQueryString", "sessionDefaultChannelGroup", "sessionSource", "sessionMedium", "deviceCategory", "country"],
                        Metrics = ["sessions", "engagedSessions", "screenPageViews", "userEngagementDuration", "keyEvents", "transactions", "purchaseRevenue", "totalRevenue"],
                    },
                ];
                sources.Ga4 = ga4;
                break;
            case "meta-country":
                meta.Breakdowns = ["country"];
                sources.Meta = meta;
                break;
            default:
                sources.Ga4 = ga4;
                sources.Meta = meta;
                sources.Mailchimp = new MailchimpOptions { BaseUrl = new Uri(spec.MailchimpBase), Accounts = [new MailchimpAccountOptions { ApiKey = spec.MailchimpKey }] };
                sources.HubSpot = new HubSpotOptions { BaseUrl = new Uri(spec.HubSpotBase), Accounts = [new HubSpotAccountOptions { AccessToken = spec.HubSpotToken }] };
                break;
        }

        return sources;
    }

    /// <summary>A sync through the real connectors, loader and commit, as <c>pipeline sync</c> does it, on the spec's day.</summary>
    private static async Task<ChildResult> SyncAsync(ChildSpec spec)
    {
        var clock = new FixedDayClock(spec.Today);
        var services = new ServiceCollection().AddSingleton<TimeProvider>(clock).AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
            .AddSingleton(typeof(ILogger<>), typeof(Logger<>))
            .AddConfiguredSources(Sources(spec));
        await using var provider = services.BuildServiceProvider();
        var catalog = new SourceCatalog(provider.GetServices<ISource>());
        var runId = "bench-" + Guid.NewGuid().ToString("N")[..8];
        var streams = spec.Streams is { } s ? new HashSet<string>(s, StringComparer.Ordinal) : null;
        var started = Stopwatch.StartNew();
        var errors = new List<string>();
        long rows = 0;
        MemorySampler? sampler = null;
        var cpuAtStart = TimeSpan.Zero;
        ManagedWork managedAtStart = default;
        await using (var warehouse = DuckDbWarehouse.Open(new DuckDbWarehouseOptions { Path = spec.Warehouse, Reporting = Reporting, MemoryLimit = new DuckDbSettings().MemoryLimit, QueryMemoryLimit = new DuckDbSettings().QueryMemoryLimit }, NullLogger<DuckDbWarehouse>.Instance))
        {
            await warehouse.MigrateAsync(catalog.Streams);
            sampler = new MemorySampler(Path.GetFullPath(spec.Warehouse)); // the warehouse is open: the sampler shares its instance
            started.Restart(); // migration (views) is not the sync
            cpuAtStart = CpuTime();
            managedAtStart = ManagedWork.Now();
            var runner = new SyncRunner(warehouse, clock, NullLogger<SyncRunner>.Instance);
            foreach (var source in catalog.Sources)
            {
                foreach (var connection in await source.ConnectAsync(CancellationToken.None))
                {
                    await using (connection)
                    {
                        var summary = await runner.SyncAsync(connection, new SyncRequest(runId) { Streams = streams });
                        rows += summary.RowsWritten;
                        errors.AddRange(summary.Windows.Where(w => w.Error is not null).Select(w => $"{summary.Source} {w.Stream} {w.Window}: {w.Error}"));
                    }
                }
            }
        }

        var seconds = started.Elapsed.TotalSeconds;
        var cpuSeconds = (CpuTime() - cpuAtStart).TotalSeconds;
        var managed = ManagedWork.Now() - managedAtStart;
        var peak = PeakWorkingSetMb();
        await sampler!.DisposeAsync();
        var refresh = spec.RefreshMarts ? await RefreshMartsAsync(spec) : null;
        var calls = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var connection = new DuckDBConnection($"Data Source={spec.Warehouse}"))
        {
            await connection.OpenAsync();
            foreach (var (source, count) in await connection.QueryAsync<(string, long)>(
                "SELECT source, sum(api_calls)::BIGINT FROM etl.sync_runs WHERE run_id = $run GROUP BY 1 ORDER BY 1", new { run = runId }))
            {
                calls[source] = count;
            }
        }

        return new ChildResult
        {
            Rows = rows, Seconds = seconds, CpuSeconds = cpuSeconds, PeakWorkingSetMb = peak, ApiCallsBySource = calls,
            Figures = new Dictionary<string, double>(refresh ?? [], StringComparer.Ordinal) { ["peak_managed_mb"] = sampler.PeakManagedMb, ["peak_duckdb_mb"] = sampler.PeakDuckDbMb, ["peak_anon_mb"] = sampler.PeakAnonMb, ["peak_file_mb"] = sampler.PeakFileMb, ["peak_jemalloc_resident_mb"] = sampler.PeakJemallocResidentMb, ["peak_jemalloc_allocated_mb"] = sampler.PeakJemallocAllocatedMb, ["peak_jemalloc_lazily_freed_mb"] = sampler.PeakJemallocLazilyFreedMb, ["allocated_mb"] = managed.AllocatedMb, ["gc_pause_s"] = managed.PauseSeconds, ["gen2_collections"] = managed.Gen2Collections },
            Error = errors.Count == 0 ? null : $"{errors.Count} window(s) failed; first: {errors[0]}",
        };
    }

    /// <summary>
    /// The floor: the response bodies the pipeline read, already in memory, parsed with Utf8JsonReader and appended
    /// with the DuckDB Appender as text columns: no HTTP, no mapping, no typing, no transaction per window.
    /// </summary>
    private static ChildResult Floor(ChildSpec spec)
    {
        var bodies = Directory.GetFiles(spec.ReportBodiesFolder!).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();
        var width = bodies.Max(b => ScanRows(b, null, 0).MaxWidth);
        using var connection = new DuckDBConnection($"Data Source={spec.Warehouse}");
        connection.Open();
        connection.Execute("CREATE TABLE floor_rows (" + string.Join(", ", Enumerable.Range(0, width).Select(i => $"c{i} VARCHAR")) + ")");
        var started = Stopwatch.StartNew();
        var cpuAtStart = CpuTime();
        long rows = 0;
        using (var appender = connection.CreateAppender("floor_rows"))
        {
            foreach (var body in bodies)
            {
                rows += ScanRows(body, appender, width).Rows;
            }
        }

        var seconds = started.Elapsed.TotalSeconds;
        var cpuSeconds = (CpuTime() - cpuAtStart).TotalSeconds;
        var stored = connection.ExecuteScalar<long>("SELECT count(*) FROM floor_rows");
        return new ChildResult
        {
            Rows = rows, Seconds = seconds, CpuSeconds = cpuSeconds, Bytes = bodies.Sum(b => (long)b.Length), PeakWorkingSetMb = PeakWorkingSetMb(),
            Error = stored == rows ? null : $"floor stored {stored} rows of {rows}",
        };
    }

    /// <summary>Walks the row array (GA4 "rows", Meta "data"); with an appender, appends each row's scalar leaves as text.</summary>
    private static (long Rows, int MaxWidth) ScanRows(byte[] body, DuckDBAppender? appender, int columns)
    {
        var reader = new Utf8JsonReader(body);
        long rows = 0;
        var maxWidth = 0;
        var inRows = false;
        while (reader.Read())
        {
            if (!inRows)
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1
                    && (reader.ValueTextEquals("rows"u8) || reader.ValueTextEquals("data"u8)))
                {
                    reader.Read();
                    inRows = reader.TokenType == JsonTokenType.StartArray;
                }

                continue;
            }

            if (reader.TokenType == JsonTokenType.EndArray && reader.CurrentDepth == 1)
            {
                inRows = false;
                continue;
            }

            if (reader.TokenType != JsonTokenType.StartObject || reader.CurrentDepth != 2)
            {
                continue;
            }

            var row = appender?.CreateRow();
            var width = 0;
            while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == 2))
            {
                string? value = reader.TokenType switch
                {
                    JsonTokenType.String => reader.GetString(),
                    JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False => Encoding.UTF8.GetString(reader.ValueSpan),
                    _ => null,
                };
                if (value is null)
                {
                    continue;
                }

                if (row is not null && width < columns)
                {
                    row.AppendValue(value);
                }

                width++;
            }

            if (row is not null)
            {
                for (var i = width; i < columns; i++)
                {
                    row.AppendNullValue();
                }

                row.EndRow();
            }

            maxWidth = Math.Max(maxWidth, width);
            rows++;
        }

        return (rows, maxWidth);
    }

    /// <summary>A copy of the 3-year warehouse with every staging row deleted: same cursors, same schema, no history.</summary>
    private static async Task<ChildResult> EmptyHistoryAsync(ChildSpec spec)
    {
        await using var connection = new DuckDBConnection($"Data Source={spec.Warehouse}");
        await connection.OpenAsync();
        var tables = (await connection.QueryAsync<string>(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'staging' ORDER BY 1")).ToList();
        long deleted = 0;
        foreach (var table in tables)
        {
            deleted += await connection.ExecuteAsync($"DELETE FROM staging.\"{table}\"");
        }

        await connection.ExecuteAsync("CHECKPOINT");
        return new ChildResult { Rows = deleted, PeakWorkingSetMb = PeakWorkingSetMb() };
    }

    /// <summary>
    /// What the sandbox alone costs: the same report pages the GA4 ingest reads (same dimensions, 30-day windows,
    /// the connector's page size), fetched over loopback and thrown away unparsed. No pipeline reading this sandbox
    /// on this machine can be faster.
    /// </summary>
    private static async Task<ChildResult> ServeGa4Async(ChildSpec spec)
    {
        using var http = new HttpClient { BaseAddress = new Uri(spec.Ga4Base), Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", spec.Ga4AccessToken);
        var report = Sources(spec with { Sources = "ga4-landing" }).Ga4!.CustomReports[0];
        var pageSize = new Ga4PropertyOptions().PageSize;
        var chunk = new Ga4PropertyOptions().ChunkDays;
        var first = spec.Today.AddDays(-(spec.FirstRunDays - 1));
        var started = Stopwatch.StartNew();
        long rows = 0, bytes = 0, requests = 0;
        for (var from = first; from <= spec.Today; from = from.AddDays(chunk))
        {
            var to = from.AddDays(chunk - 1) > spec.Today ? spec.Today : from.AddDays(chunk - 1);
            long offset = 0, rowCount;
            do
            {
                var body = new System.Text.Json.Nodes.JsonObject
                {
                    ["dimensions"] = new System.Text.Json.Nodes.JsonArray([.. new[] { "date" }.Concat(report.Dimensions).Select(d => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject { ["name"] = d })]),
                    ["metrics"] = new System.Text.Json.Nodes.JsonArray([.. report.Metrics.Select(m => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject { ["name"] = m })]),
                    ["dateRanges"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject
                    {
                        ["startDate"] = from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ["endDate"] = to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    }),
                    ["limit"] = pageSize,
                    ["offset"] = offset,
                };
                using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
                using var response = await http.PostAsync($"v1beta/properties/{spec.Ga4Property}:runReport", content);
                response.EnsureSuccessStatusCode();
                var page = await response.Content.ReadAsByteArrayAsync();
                requests++;
                bytes += page.Length;
                rowCount = RowCount(page);
                var pageRows = ScanRows(page, null, 0).Rows;
                rows += pageRows;
                offset += pageRows;
                if (pageRows == 0)
                {
                    break;
                }
            }
            while (offset < rowCount);
        }

        return new ChildResult
        {
            Rows = rows, Seconds = started.Elapsed.TotalSeconds, Bytes = bytes, PeakWorkingSetMb = PeakWorkingSetMb(),
            Figures = new Dictionary<string, double>(StringComparer.Ordinal) { ["requests"] = requests },
        };
    }

    private static long RowCount(byte[] body)
    {
        var reader = new Utf8JsonReader(body);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("rowCount"u8))
            {
                reader.Read();
                return reader.TokenType == JsonTokenType.Number ? reader.GetInt64() : long.Parse(reader.GetString()!, CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    /// <summary>
    /// Columns that name an ad or web campaign, per staging table: renaming them gives a copy of the world's ads and
    /// campaigns (the same names on the Meta and GA4 sides, so paid traffic still meets its spend).
    /// </summary>
    private static readonly Dictionary<string, string[]> CampaignColumns = new(StringComparer.Ordinal)
    {
        ["meta_insights_daily"] = ["campaign_id", "campaign_name", "adset_id", "adset_name", "ad_id", "ad_name"],
        ["meta_insights_daily_by_country"] = ["campaign_id", "campaign_name", "adset_id", "adset_name", "ad_id", "ad_name"],
        ["meta_insights_daily_by_device_platform"] = ["campaign_id", "campaign_name", "adset_id", "adset_name", "ad_id", "ad_name"],
        ["meta_insights_daily_by_publisher_platform"] = ["campaign_id", "campaign_name", "adset_id", "adset_name", "ad_id", "ad_name"],
        ["meta_campaigns"] = ["id", "name"],
        ["meta_adsets"] = ["id", "name", "campaign_id"],
        ["meta_ads"] = ["id", "name", "campaign_id", "adset_id"],
        ["ga4_traffic_daily"] = ["session_campaign_name"],
        ["ga4_landing_pages_daily"] = ["landing_page_plus_query_string"],
    };

    /// <summary>
    /// Grows a synced world to <see cref="ChildSpec.TargetRows"/> staging rows for the query case: the ad and web
    /// streams are copied k times with renamed campaigns (_x1 … _xk), in SQL. Syncing 10M rows through the sandbox
    /// would take longer than the whole benchmark may; the marts read these rows exactly as synced ones.
    /// </summary>
    private static async Task<ChildResult> ScaleUpAsync(ChildSpec spec)
    {
        await using var connection = new DuckDBConnection($"Data Source={spec.Warehouse}");
        await connection.OpenAsync();
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var t in await connection.QueryAsync<string>("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'staging'"))
        {
            counts[t] = await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM staging.\"{t}\"");
        }

        var scalable = counts.Where(c => CampaignColumns.ContainsKey(c.Key)).Sum(c => c.Value);
        var fixedRows = counts.Values.Sum() - scalable;
        var copies = scalable == 0 ? 1 : (int)Math.Max(1, Math.Ceiling((double)(spec.TargetRows - fixedRows) / scalable));
        var started = Stopwatch.StartNew();
        foreach (var (table, renamed) in CampaignColumns.Where(c => counts.ContainsKey(c.Key)))
        {
            var columns = (await connection.QueryAsync<string>(
                "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'staging' AND table_name = $table ORDER BY column_index",
                new { table })).ToList();
            var select = string.Join(", ", columns.Select(c => renamed.Contains(c, StringComparer.Ordinal)
                ? $"CASE WHEN \"{c}\" IS NULL OR \"{c}\" LIKE '(%' THEN \"{c}\" ELSE \"{c}\" || '_x' || copy_no END"
                : $"\"{c}\""));
            await connection.ExecuteAsync(
                $"INSERT INTO staging.\"{table}\" SELECT {select} FROM staging.\"{table}\" CROSS JOIN range(1, {copies}) AS copies(copy_no)");
        }

        await connection.ExecuteAsync("CHECKPOINT");
        long total = 0;
        foreach (var t in counts.Keys)
        {
            total += await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM staging.\"{t}\"");
        }

        return new ChildResult
        {
            Rows = total, Seconds = started.Elapsed.TotalSeconds, PeakWorkingSetMb = PeakWorkingSetMb(),
            Figures = new Dictionary<string, double>(StringComparer.Ordinal) { ["copies"] = copies, ["synced_rows"] = counts.Values.Sum() },
        };
    }

    /// <summary>
    /// The refresh `pipeline sync` runs after its windows committed: the mart tables' affected periods recomputed
    /// from their definitions in one transaction. Timed apart from the sync; figures refresh_seconds, refresh_marts and
    /// refresh_days (days from the first recomputed day to the sync's today; 0 when every mart was recomputed whole).
    /// </summary>
    private static async Task<Dictionary<string, double>> RefreshMartsAsync(ChildSpec spec)
    {
        await using var warehouse = OpenWarehouse(spec.Warehouse);
        var result = await (warehouse.Marts ?? throw new InvalidOperationException("the bench warehouse has no mart tables")).RefreshAsync();
        var figures = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["refresh_seconds"] = result.Duration.TotalSeconds,
            ["refresh_marts"] = result.Marts.Count,
            ["refresh_days"] = result.From is { } from ? spec.Today.DayNumber - from.DayNumber + 1 : 0,
        };
        foreach (var (step, took) in result.Timings ?? new Dictionary<string, TimeSpan>())
        {
            figures["refresh_seconds " + step] = took.TotalSeconds;
        }

        return figures;
    }

    /// <summary>The mart tables recomputed whole (the query world's staging was grown in SQL, behind the refresher's back).</summary>
    private static async Task<ChildResult> RebuildMartsAsync(ChildSpec spec)
    {
        var cpuAtStart = CpuTime();
        MartRefreshResult result;
        await using (var warehouse = OpenWarehouse(spec.Warehouse))
        {
            result = await (warehouse.Marts ?? throw new InvalidOperationException("the bench warehouse has no mart tables")).RebuildAsync();
        }

        var cpuSeconds = (CpuTime() - cpuAtStart).TotalSeconds;
        await using var connection = new DuckDBConnection($"Data Source={spec.Warehouse}");
        await connection.OpenAsync();
        var rows = 0L;
        foreach (var mart in result.Marts)
        {
            rows += await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM {mart}");
        }

        return new ChildResult
        {
            Rows = rows, Seconds = result.Duration.TotalSeconds, CpuSeconds = cpuSeconds, PeakWorkingSetMb = PeakWorkingSetMb(),
            Figures = new Dictionary<string, double>(StringComparer.Ordinal) { ["marts"] = result.Marts.Count },
        };
    }

    private static DuckDbWarehouse OpenWarehouse(string path) =>
        DuckDbWarehouse.Open(new DuckDbWarehouseOptions { Path = path, Reporting = Reporting, MemoryLimit = new DuckDbSettings().MemoryLimit, QueryMemoryLimit = new DuckDbSettings().QueryMemoryLimit }, NullLogger<DuckDbWarehouse>.Instance);

    /// <summary>Dashboard queries on the live views and on the published copy BI tools read; p50/p95 per query.</summary>
    private static async Task<ChildResult> QueriesAsync(ChildSpec spec)
    {
        var figures = new Dictionary<string, double>(StringComparer.Ordinal);
        long factRows;
        DateTime lastMonth;
        await using (var connection = new DuckDBConnection($"Data Source={spec.Warehouse}"))
        {
            await connection.OpenAsync();
            factRows = 0;
            foreach (var t in await connection.QueryAsync<string>("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'staging'"))
            {
                factRows += await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM staging.\"{t}\"");
            }

            lastMonth = await connection.ExecuteScalarAsync<DateTime>(
                "SELECT CAST(date_trunc('month', max(date)) - INTERVAL 1 MONTH AS TIMESTAMP) FROM dw.kpi_measure_daily");
            Measure(connection, "live", lastMonth, figures);
        }

        var publishStarted = Stopwatch.StartNew();
        await using (var warehouse = DuckDbWarehouse.Open(new DuckDbWarehouseOptions { Path = spec.Warehouse, Reporting = Reporting, MemoryLimit = new DuckDbSettings().MemoryLimit, QueryMemoryLimit = new DuckDbSettings().QueryMemoryLimit }, NullLogger<DuckDbWarehouse>.Instance))
        {
            var result = await new MartPublisher(warehouse).PublishAsync(spec.PublishedPath!, "bench");
            figures["publish_seconds"] = publishStarted.Elapsed.TotalSeconds;
            figures["published_rows"] = result.Rows;
        }

        await using (var published = new DuckDBConnection($"Data Source={spec.PublishedPath};ACCESS_MODE=READ_ONLY"))
        {
            await published.OpenAsync();
            Measure(published, "published", lastMonth, figures);
        }

        return new ChildResult { Rows = factRows, Figures = figures, PeakWorkingSetMb = PeakWorkingSetMb() };
    }

    /// <summary>
    /// The BI copy published again after a daily run, over the copy an earlier publish left at the same path: only the
    /// mart rows the refresh rewrote are copied again (from_previous 1), the dw views are materialised again.
    /// </summary>
    private static async Task<ChildResult> PublishAsync(ChildSpec spec)
    {
        var figures = new Dictionary<string, double>(StringComparer.Ordinal);
        var started = Stopwatch.StartNew();
        await using (var warehouse = OpenWarehouse(spec.Warehouse!))
        {
            var result = await new MartPublisher(warehouse).PublishAsync(spec.PublishedPath!, "bench-daily");
            figures["publish_seconds"] = started.Elapsed.TotalSeconds;
            figures["published_rows"] = result.Rows;
            figures["from_previous"] = result.FromPrevious ? 1 : 0;
        }

        return new ChildResult { Rows = (long)figures["published_rows"], Seconds = started.Elapsed.TotalSeconds, Figures = figures, PeakWorkingSetMb = PeakWorkingSetMb() };
    }

    /// <summary>The dashboard questions of ops/bi/metabase.md, one per audience, and the 13-month trend by channel.</summary>
    public static IReadOnlyList<(string Name, string Sql)> Queries(DateTime lastMonth)
    {
        var month = lastMonth.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var from13 = lastMonth.AddMonths(-12).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return
        [
            ("executive", $"""
                SELECT channel, revenue, revenue_share, marketing_cost, roi, new_customers, cac, ltv_historic, ltv_to_cac
                FROM mart.dashboard_executive
                WHERE grain = 'month' AND channel <> 'All' AND period_start = DATE '{month}'
                ORDER BY revenue DESC
                """),
            ("marketing", $"""
                SELECT campaign, platforms, spend, other_marketing_cost, impressions, link_clicks, ctr, cpc, leads, cpl,
                       ad_conversions, roas, sessions, web_conversion_rate
                FROM mart.dashboard_marketing
                WHERE grain = 'month' AND period_start = DATE '{month}'
                ORDER BY spend DESC
                """),
            ("specialist", """
                SELECT period_start AS week, campaign, impressions, link_clicks, spend, ctr, cpc, cpm
                FROM mart.dashboard_specialist
                WHERE grain = 'week' AND kind = 'ads'
                ORDER BY period_start, spend DESC
                """),
            ("trend_13m_by_channel", $"""
                SELECT period_start AS month, segment AS channel, kpi_id, value
                FROM mart.kpi_values
                WHERE grain = 'month' AND segment_type = 'channel' AND period_start >= DATE '{from13}' AND period_start <= DATE '{month}'
                ORDER BY month, channel, kpi_id
                """),
        ];
    }

    /// <summary>One warm-up, then up to 20 timed runs reading every row: at least 1, and no new run after 5 s (the live views are slow).</summary>
    private static void Measure(DuckDBConnection connection, string copy, DateTime lastMonth, Dictionary<string, double> figures)
    {
        foreach (var (name, sql) in Queries(lastMonth))
        {
            var rows = Run(connection, sql);
            var times = new List<double>();
            var budget = Stopwatch.StartNew();
            while (times.Count < 20 && (times.Count < 1 || budget.Elapsed < TimeSpan.FromSeconds(5)))
            {
                var one = Stopwatch.StartNew();
                Run(connection, sql);
                times.Add(one.Elapsed.TotalMilliseconds);
            }

            times.Sort();
            figures[$"{copy}.{name}.p50_ms"] = Percentile(times, 0.50);
            figures[$"{copy}.{name}.p95_ms"] = Percentile(times, 0.95);
            figures[$"{copy}.{name}.runs"] = times.Count;
            figures[$"{copy}.{name}.rows"] = rows;
        }
    }

    private static long Run(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        long rows = 0;
        var values = new object[reader.FieldCount];
        while (reader.Read())
        {
            reader.GetValues(values);
            rows++;
        }

        return rows;
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    private static double Percentile(List<double> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}

/// <summary>A clock whose "now" is noon UTC of the measured day, ticking forward from there (delays still work).</summary>
internal sealed class FixedDayClock(DateOnly day) : TimeProvider
{
    private readonly DateTimeOffset start = new(day.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);
    private readonly long origin = TimeProvider.System.GetTimestamp();

    public override DateTimeOffset GetUtcNow() => start + TimeProvider.System.GetElapsedTime(origin);
}
