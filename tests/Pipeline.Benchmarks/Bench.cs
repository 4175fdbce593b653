using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Sandbox;
using Pipeline.Sandbox.World;

namespace Pipeline.Benchmarks;

/// <summary>One row of the result table.</summary>
internal sealed record CaseRow(string Case, long Rows, double Seconds, long Bytes, double PeakMb, double? FloorRatio, string Note, double CpuSeconds = 0)
{
    /// <summary>The measuring process's CPU seconds per million rows (0 where CPU was not measured).</summary>
    public double CpuSecondsPerMillionRows => Rows > 0 ? CpuSeconds * 1_000_000 / Rows : 0;

    public double RowsPerSecond => Seconds > 0 ? Rows / Seconds : 0;

    public double MbPerSecond => Seconds > 0 ? Bytes / 1048576.0 / Seconds : 0;
}

internal sealed record Goal(string Name, string Target, string Measured, bool Pass, string Why);

/// <summary>Runs every case in order, prints the table and the goals, and writes the JSON results.</summary>
internal sealed class Bench(string output, double scale, IReadOnlySet<string> cases, string? keptQueryWorld = null)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private readonly List<CaseRow> rows = [];
    private readonly List<Goal> goals = [];
    private readonly JsonObject details = [];
    private readonly string work = Path.Combine(Path.GetDirectoryName(output)!, "work");
    private readonly Stopwatch total = Stopwatch.StartNew();

    // Sizes (scale 1): printed with the results.
    private int IngestDays => 100;

    private int Ga4SegmentsPerDay => (int)(10_000 * scale);

    // 5M rows: the issue's size for "memory stays flat as the report grows".
    private int MemorySegmentsPerDay => (int)(50_000 * scale);

    // ~1M insights rows: 1,600 ads by country over 330 days.
    private int MetaDays => (int)Math.Max(5, 330 * scale);

    private const int HistoryDays = 3 * 365;

    private long QueryWorldRows => (long)(10_000_000 * scale);

    public async Task<int> RunAsync()
    {
        if (Directory.Exists(work))
        {
            Directory.Delete(work, recursive: true);
        }

        Directory.CreateDirectory(work);
        Console.WriteLine(string.Create(Inv, $"Pipeline benchmarks on {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}; scale {scale}"));

        if (cases.Contains("ingest") || cases.Contains("ingest-ga4"))
        {
            await IngestAsync("ingest ga4 report", Ga4World(Ga4SegmentsPerDay), "ga4-landing", [Child.Ga4LandingStream], withFloor: true);
        }

        if (cases.Contains("ingest") || cases.Contains("ingest-meta"))
        {
            await IngestAsync("ingest meta insights by country", MetaWorld(), "meta-country", ["insights_daily_by_country"], withFloor: true);
        }

        if (cases.Contains("memory"))
        {
            await IngestAsync("memory ga4 (large report)", Ga4World(MemorySegmentsPerDay), "ga4-landing", [Child.Ga4LandingStream], withFloor: false);
        }

        if (cases.Contains("incremental"))
        {
            await IncrementalAndQueriesAsync();
        }

        if (cases.Contains("refresh"))
        {
            await RefreshOnKeptQueryWorldAsync();
        }

        if (cases.Contains("many-accounts"))
        {
            await new ManyAccountsCase(work, scale).RunAsync(rows, goals, details);
        }

        Judge();
        Print();
        await WriteAsync();
        Directory.Delete(work, recursive: true);
        return 0;
    }

    private WorldOptions Ga4World(int segments) => WorldOptions.Demo with
    {
        StartDate = new DateOnly(2026, 1, 1), Days = IngestDays, Ga4SegmentsPerDay = segments, Ga4UniqueLandingPages = true,
        Ga4OtherRowThreshold = int.MaxValue,
    };

    private WorldOptions MetaWorld() => WorldOptions.Benchmark(1.0) with { StartDate = new DateOnly(2026, 1, 1), Days = MetaDays };

    /// <summary>A mid-size world over three years: the incremental run and the dashboard queries read it.</summary>
    private static WorldOptions HistoryWorld() => WorldOptions.Demo with { StartDate = new DateOnly(2023, 1, 1), Days = HistoryDays };

    private async Task IngestAsync(string name, WorldOptions world, string sources, string[] streams, bool withFloor)
    {
        var id = rows.Count.ToString(Inv);
        var bodies = Path.Combine(work, "bodies-" + id);
        var pipeline = await ChildAsync(world, new ChildSpec
        {
            Kind = "sync", Warehouse = Path.Combine(work, $"ingest-{id}.duckdb"), Today = world.EndDate, FirstRunDays = world.Days,
            Sources = sources, Streams = streams, ReportBodiesFolder = bodies, MetaPageSize = 5000,
        });
        // The sandbox recorded the report bodies it sent (stopped now, so every file is whole).
        pipeline = pipeline with { Bytes = Directory.Exists(bodies) ? Directory.GetFiles(bodies).Sum(f => new FileInfo(f).Length) : 0 };
        double? ratio = null;
        var note = withFloor ? "sandbox -> staging through connector, loader, commit (the sandbox records the report bodies it sends, for the floor)" : "as above, no floor";
        if (withFloor && pipeline.Error is null)
        {
            var floor = await ChildAsync(null, new ChildSpec { Kind = "floor", Warehouse = Path.Combine(work, $"floor-{id}.duckdb"), ReportBodiesFolder = bodies });
            rows.Add(new CaseRow($"  floor: {name}", floor.Rows, floor.Seconds, floor.Bytes, floor.PeakWorkingSetMb, null,
                floor.Error ?? "same bytes in memory: Utf8JsonReader + DuckDB Appender, text columns, no HTTP/mapping", floor.CpuSeconds));
            ratio = floor.Seconds / pipeline.Seconds; // pipeline throughput / floor throughput
        }

        if (withFloor && sources == "ga4-landing")
        {
            var serve = await ChildAsync(world, new ChildSpec { Kind = "serve-ga4", Warehouse = "", Today = world.EndDate, FirstRunDays = world.Days });
            rows.Add(new CaseRow($"  sandbox alone: serve {name["ingest ".Length..]}", serve.Rows, serve.Seconds, serve.Bytes, serve.PeakWorkingSetMb, null,
                serve.Error ?? string.Create(Inv, $"the same pages ({serve.Figures.GetValueOrDefault("requests"):0} requests) fetched and dropped unparsed: the least any pipeline reading this sandbox here can take")));
        }

        note += string.Create(Inv, $"; peaks: managed heap {pipeline.Figures.GetValueOrDefault("peak_managed_mb"):0} MB, DuckDB buffers {pipeline.Figures.GetValueOrDefault("peak_duckdb_mb"):0} MB; resident anonymous {pipeline.Figures.GetValueOrDefault("peak_anon_mb"):0} MB, mapped files {pipeline.Figures.GetValueOrDefault("peak_file_mb"):0} MB; DuckDB's jemalloc resident {pipeline.Figures.GetValueOrDefault("peak_jemalloc_resident_mb"):0} MB, allocated {pipeline.Figures.GetValueOrDefault("peak_jemalloc_allocated_mb"):0} MB, freed lazily (MADV_FREE, resident too) {pipeline.Figures.GetValueOrDefault("peak_jemalloc_lazily_freed_mb"):0} MB; managed: {pipeline.Figures.GetValueOrDefault("allocated_mb"):0} MB allocated, the GC paused it {pipeline.Figures.GetValueOrDefault("gc_pause_s"):0.00} s ({pipeline.Figures.GetValueOrDefault("gen2_collections"):0} gen2 collections)");
        rows.Add(new CaseRow(name, pipeline.Rows, pipeline.Seconds, pipeline.Bytes, pipeline.PeakWorkingSetMb, ratio, pipeline.Error ?? note, pipeline.CpuSeconds));
        Directory.Delete(bodies, recursive: true);
    }

    private async Task IncrementalAndQueriesAsync()
    {
        var world = HistoryWorld();
        var history = Path.Combine(work, "history.duckdb");
        var empty = Path.Combine(work, "empty.duckdb");
        var load = await ChildAsync(world, new ChildSpec
        {
            Kind = "sync", Warehouse = history, Today = world.EndDate.AddDays(-1), FirstRunDays = world.Days - 1, Sources = "all",
            NoMetaPacing = true, MetaPageSize = 5000,
        });
        rows.Add(new CaseRow("history load (3 years, demo-size world)", load.Rows, load.Seconds, 0, load.PeakWorkingSetMb, null,
            load.Error ?? "setup of the incremental case: every source, first run, Meta pacing off, Meta pages of 5,000"));
        File.Copy(history, empty);
        var emptied = await ChildAsync(null, new ChildSpec { Kind = "empty-history", Warehouse = empty });
        // The query world starts from the history before its daily run: that run is measured on it again at ~10M rows.
        var queryWorld = Path.Combine(work, "query-world.duckdb");
        File.Copy(history, queryWorld);

        var (onHistory, historyTokens) = await DailyAsync(world, history);
        var (onEmpty, emptyTokens) = await DailyAsync(world, empty);
        var ratio = onHistory.Seconds / onEmpty.Seconds;
        rows.Add(new CaseRow("daily incremental, 3-year history", onHistory.Rows, onHistory.Seconds, 0, onHistory.PeakWorkingSetMb, null,
            onHistory.Error ?? "every source, lookbacks (GA4 3 d, Meta 28 d), entity streams since cursor"));
        rows.Add(new CaseRow("daily incremental, empty history", onEmpty.Rows, onEmpty.Seconds, 0, onEmpty.PeakWorkingSetMb, null,
            onEmpty.Error ?? string.Create(Inv, $"same cursors, {emptied.Rows:N0} staging rows deleted")));
        details["incremental"] = new JsonObject
        {
            ["history_seconds"] = onHistory.Seconds, ["empty_seconds"] = onEmpty.Seconds, ["ratio"] = ratio,
            ["api_calls_by_source"] = JsonSerializer.SerializeToNode(onHistory.ApiCallsBySource),
            ["api_calls_by_source_empty"] = JsonSerializer.SerializeToNode(onEmpty.ApiCallsBySource),
            ["ga4_quota_tokens"] = historyTokens, ["ga4_quota_tokens_empty"] = emptyTokens,
        };

        // The query world: the 3-year history grown to ~10M staging rows (ad and web streams copied with renamed campaigns).
        var grown = await ChildAsync(null, new ChildSpec { Kind = "scale-up", Warehouse = queryWorld, TargetRows = QueryWorldRows });
        rows.Add(new CaseRow("query world (3-year history grown in SQL)", grown.Rows, grown.Seconds, 0, grown.PeakWorkingSetMb, null,
            grown.Error ?? string.Create(Inv, $"{grown.Figures.GetValueOrDefault("synced_rows"):N0} synced rows; ad and web streams x{grown.Figures.GetValueOrDefault("copies"):0} with renamed campaigns")));
        // Grown in SQL behind the refresher's back: the mart tables are recomputed whole, as `pipeline marts rebuild` does.
        var rebuilt = await ChildAsync(null, new ChildSpec { Kind = "rebuild-marts", Warehouse = queryWorld });
        rows.Add(new CaseRow("mart tables rebuilt whole (query world)", rebuilt.Rows, rebuilt.Seconds, 0, rebuilt.PeakWorkingSetMb, null,
            rebuilt.Error ?? string.Create(Inv, $"{rebuilt.Figures.GetValueOrDefault("marts"):0} mart tables from their definitions, one transaction; rows = mart rows written")));
        await QueriesAsync(queryWorld);
        if (keptQueryWorld is not null)
        {
            File.Copy(queryWorld, keptQueryWorld, overwrite: true);
        }

        await RefreshAfterDailyAsync(world, queryWorld, rebuilt.Seconds, rebuilt.Error);
    }

    /// <summary>
    /// Only the refresh after a daily run, on a copy of a query world an earlier `--cases incremental --query-world
    /// PATH` kept: for working on the refresh without building the ~10M-row world each time.
    /// </summary>
    private async Task RefreshOnKeptQueryWorldAsync()
    {
        if (keptQueryWorld is null || !File.Exists(keptQueryWorld))
        {
            throw new InvalidOperationException($"--cases refresh needs --query-world PATH of a world kept by an earlier --cases incremental run; '{keptQueryWorld}' does not exist");
        }

        var queryWorld = Path.Combine(work, "query-world.duckdb");
        File.Copy(keptQueryWorld, queryWorld);
        // Published once before the daily run, as every run publishes: the publish after it starts from that copy.
        await QueriesAsync(queryWorld);
        await RefreshAfterDailyAsync(HistoryWorld(), queryWorld, 0, null);
    }

    /// <summary>The dashboard queries on the live warehouse and on the BI copy, which this child publishes first.</summary>
    private async Task QueriesAsync(string queryWorld)
    {
        var queries = await ChildAsync(null, new ChildSpec { Kind = "queries", Warehouse = queryWorld, PublishedPath = Path.Combine(work, "marts.duckdb") });
        details["queries"] = JsonSerializer.SerializeToNode(queries.Figures);
        details["queries_fact_rows"] = queries.Rows;
        details["queries_error"] = queries.Error;
        rows.Add(new CaseRow("mart queries (staging rows)", queries.Rows, 0, 0, queries.PeakWorkingSetMb, null, queries.Error ?? "see query latencies"));
    }

    /// <summary>The next day's run on the ~10M-row warehouse, then the refresh the CLI runs after it (timed on its own).</summary>
    private async Task RefreshAfterDailyAsync(WorldOptions world, string queryWorld, double rebuildSeconds, string? rebuildError)
    {
        var daily = await ChildAsync(world, new ChildSpec { Kind = "sync", Warehouse = queryWorld, Today = world.EndDate, FirstRunDays = world.Days, Sources = "all", RefreshMarts = true });
        var refreshSeconds = daily.Figures.GetValueOrDefault("refresh_seconds");
        rows.Add(new CaseRow("mart refresh after a daily incremental (query world)", daily.Rows, refreshSeconds, 0, daily.PeakWorkingSetMb, null,
            daily.Error ?? string.Create(Inv, $"{daily.Figures.GetValueOrDefault("refresh_marts"):0} mart tables, periods from {daily.Figures.GetValueOrDefault("refresh_days"):0} days back; the sync itself took {daily.Seconds:0.0} s (rows = rows it wrote)")));
        var steps = new JsonObject();
        foreach (var (step, seconds) in daily.Figures.Where(f => f.Key.StartsWith(StepPrefix, StringComparison.Ordinal)).OrderByDescending(f => f.Value))
        {
            steps[step[StepPrefix.Length..]] = Math.Round(seconds, 3);
        }

        details["refresh"] = new JsonObject
        {
            ["rebuild_seconds"] = rebuildSeconds, ["refresh_seconds"] = refreshSeconds, ["refresh_days"] = daily.Figures.GetValueOrDefault("refresh_days"),
            ["daily_sync_seconds"] = daily.Seconds, ["daily_rows"] = daily.Rows, ["error"] = daily.Error ?? rebuildError, ["seconds_by_step"] = steps,
        };

        // The BI copy after the daily run, over the one the queries published before it.
        var publish = await ChildAsync(null, new ChildSpec { Kind = "publish", Warehouse = queryWorld, PublishedPath = Path.Combine(work, "marts.duckdb") });
        rows.Add(new CaseRow("BI copy published after the daily run (query world)", publish.Rows, publish.Seconds, 0, publish.PeakWorkingSetMb, null,
            publish.Error ?? (publish.Figures.GetValueOrDefault("from_previous") > 0
                ? "from the previous copy: the mart rows the refresh rewrote copied again, the dw views materialised again (rows = rows in the copy)"
                : "published whole: the previous copy could not be brought up to date")));
        details["publish_after_daily"] = new JsonObject
        {
            ["seconds"] = publish.Seconds, ["rows"] = publish.Rows, ["from_previous"] = publish.Figures.GetValueOrDefault("from_previous") > 0, ["error"] = publish.Error,
        };
    }

    private const string StepPrefix = "refresh_seconds ";

    private static string SlowestSteps(JsonObject refresh) =>
        refresh["seconds_by_step"] is JsonObject steps
            ? string.Join(", ", steps.Take(4).Select(s => string.Create(Inv, $"{s.Key} {s.Value!.GetValue<double>():0.0} s")))
            : "not measured";

    /// <summary>The daily run on the day after the history, against a fresh sandbox; GA4 tokens read back from the sandbox's quota.</summary>
    private async Task<(ChildResult Result, long? Tokens)> DailyAsync(WorldOptions world, string warehouse)
    {
        long? tokens = null;
        var result = await ChildAsync(world, new ChildSpec { Kind = "sync", Warehouse = warehouse, Today = world.EndDate, FirstRunDays = world.Days, Sources = "all" },
            async server => tokens = await Ga4TokensConsumedAsync(server));
        return (result, tokens);
    }

    /// <summary>Tokens the sandbox's GA4 property consumed so far: one tiny report asks for the quota, minus its own cost.</summary>
    private static async Task<long?> Ga4TokensConsumedAsync(SandboxServer server)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.Ga4BaseAddress, $"v1beta/properties/{server.Credentials.Ga4PropertyId}:runReport"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", server.IssueGoogleAccessToken());
        var day = server.World.Options.EndDate.ToString("yyyy-MM-dd", Inv);
        request.Content = new StringContent(
            $$"""{"dateRanges":[{"startDate":"{{day}}","endDate":"{{day}}"}],"metrics":[{"name":"sessions"}],"returnPropertyQuota":true,"limit":1}""",
            Encoding.UTF8, "application/json");
        using var response = await http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync());
        var quota = body?["propertyQuota"]?["tokensPerDay"];
        if (quota?["consumed"] is null || quota["remaining"] is null)
        {
            return null;
        }

        var own = quota["consumed"]!.GetValue<long>();
        return new SandboxOptions().Ga4TokensPerDay - quota["remaining"]!.GetValue<long>() - own;
    }

    /// <summary>Starts the sandbox for <paramref name="world"/> (if any), runs one child process against it, and stops it.</summary>
    private async Task<ChildResult> ChildAsync(WorldOptions? world, ChildSpec spec, Func<SandboxServer, Task>? after = null)
    {
        SandboxServer? server = null;
        if (world is not null)
        {
            server = await SandboxServer.StartAsync(new SandboxOptions
            {
                World = world, MetaThrottleRegainMinutes = 1, RecordReportBodiesTo = spec.Kind == "sync" ? spec.ReportBodiesFolder : null,
            });
            var c = server.Credentials;
            spec = spec with
            {
                Ga4Base = server.Ga4BaseAddress.ToString(), TokenUrl = server.GoogleTokenUri.ToString(), Ga4Property = c.Ga4PropertyId,
                Ga4KeyJson = c.GoogleServiceAccountKeyJson, MetaBase = server.MetaBaseAddress.ToString(), MetaToken = c.MetaAccessToken,
                MetaAccounts = c.MetaAdAccountIds, MailchimpBase = server.MailchimpBaseAddress.ToString(), MailchimpKey = c.MailchimpApiKeys[0],
                HubSpotBase = server.HubSpotBaseAddress.ToString(), HubSpotToken = c.HubSpotAccessToken,
                Ga4AccessToken = spec.Kind == "serve-ga4" ? server.IssueGoogleAccessToken() : null,
            };
        }

        try
        {
            var n = Directory.GetFiles(work, "spec-*.json").Length;
            var specFile = Path.Combine(work, $"spec-{n}.json");
            var resultFile = Path.Combine(work, $"result-{n}.json");
            await File.WriteAllTextAsync(specFile, JsonSerializer.Serialize(spec));
            var host = Environment.ProcessPath!;
            // PIPELINE_BENCH_TRACE=<folder>: each child runs under dotnet-trace (CPU sampling) to see where a case spends.
            var traceFolder = Environment.GetEnvironmentVariable("PIPELINE_BENCH_TRACE");
            var start = new ProcessStartInfo(string.IsNullOrEmpty(traceFolder) ? host : "dotnet-trace") { UseShellExecute = false };
            if (!string.IsNullOrEmpty(traceFolder))
            {
                Directory.CreateDirectory(traceFolder);
                start.ArgumentList.Add("collect");
                start.ArgumentList.Add("--profile");
                start.ArgumentList.Add("dotnet-sampled-thread-time");
                start.ArgumentList.Add("-o");
                start.ArgumentList.Add(Path.Combine(Path.GetFullPath(traceFolder), $"child-{n}-{spec.Kind}.nettrace"));
                start.ArgumentList.Add("--");
                start.ArgumentList.Add(host);
            }

            if (Path.GetFileNameWithoutExtension(host) == "dotnet")
            {
                start.ArgumentList.Add(typeof(Bench).Assembly.Location);
            }

            start.ArgumentList.Add("child");
            start.ArgumentList.Add(specFile);
            start.ArgumentList.Add(resultFile);
            var watch = Stopwatch.StartNew();
            Console.Error.Write(string.Create(Inv, $"  [{total.Elapsed:mm\\:ss}] {spec.Kind} {Path.GetFileName(spec.Warehouse)} ... "));
            using (var process = Process.Start(start)!)
            {
                await process.WaitForExitAsync();
            }

            Console.Error.WriteLine(string.Create(Inv, $"{watch.Elapsed.TotalSeconds:0.0} s"));
            if (!File.Exists(resultFile))
            {
                throw new InvalidOperationException($"benchmark child '{spec.Kind}' crashed without a result ({specFile})");
            }

            var result = JsonSerializer.Deserialize<ChildResult>(await File.ReadAllTextAsync(resultFile))!;
            if (result.Error is not null)
            {
                Console.Error.WriteLine($"    {spec.Kind}: {result.Error}");
            }

            if (server is not null && after is not null)
            {
                await after(server);
            }

            return result;
        }
        finally
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
        }
    }

    private void Judge()
    {
        foreach (var r in rows.Where(r => r.FloorRatio is not null))
        {
            var why = "the pipeline also pays HTTP on loopback, the sandbox generating the report on the same 2 cores, typed mapping and the windowed commit";
            var floor = rows.FirstOrDefault(f => f.Case == $"  floor: {r.Case}");
            var serve = rows.FirstOrDefault(f => f.Case == $"  sandbox alone: serve {r.Case["ingest ".Length..]}");
            if (floor is not null && serve is { Seconds: > 0 })
            {
                why = string.Create(Inv, $"the sandbox alone needs {serve.Seconds:0.0} s to serve these pages on the same 2 cores, so even a pipeline costing nothing would reach {floor.Seconds / serve.Seconds:P0} of the floor; the rest is typed parsing, mapping, the append and the commit per window");
            }

            goals.Add(new Goal($"ingest vs floor: {r.Case}", ">= 50% of floor", r.FloorRatio!.Value.ToString("P0", Inv), r.FloorRatio >= 0.5,
                r.FloorRatio >= 0.5 ? "" : why));
        }

        JudgeCpu();
        var ingest = rows.Where(r => r.Case.StartsWith("ingest", StringComparison.Ordinal) || r.Case.StartsWith("memory", StringComparison.Ordinal)).ToList();
        var peak = ingest.Count == 0 ? 0 : ingest.Max(r => r.PeakMb);
        var small = ingest.Where(r => r.Case.StartsWith("ingest ga4", StringComparison.Ordinal)).Select(r => r.PeakMb).FirstOrDefault();
        var big = ingest.Where(r => r.Case.StartsWith("memory", StringComparison.Ordinal)).Select(r => r.PeakMb).FirstOrDefault();
        var bigRows = ingest.Where(r => r.Case.StartsWith("memory", StringComparison.Ordinal)).Select(r => r.Rows).FirstOrDefault();
        // Judged only when an ingest case ran (--cases may leave them out): no figure is not a pass.
        if (ingest.Count > 0)
        {
            goals.Add(new Goal("peak working set at any report size", "<= 300 MB", string.Create(Inv, $"{peak:0} MB (GA4 1M rows {small:0} MB, {bigRows:N0} rows {big:0} MB)"), peak <= 300,
                peak <= 300 ? "" : string.Create(Inv, $"the level is per window, not per report (compare the GA4 peaks): ~115 MB of mapped runtime, JIT'd and DuckDB code (JIT'd code ~19 MB of it; with W^X off it moved to anonymous memory and the peak hardly changed), DuckDB's buffers up to memory_limit {new Pipeline.Etl.Configuration.DuckDbSettings().MemoryLimit} (a Meta window fills it, and so do a long report's windows waiting for the checkpoint; 64MB fails a commit, 'failed to pin block'), DuckDB compressing what the WAL held at a checkpoint (GA4's 1M-row report peaks at the closing one, ~50 MB over its load), the managed heap (gen0's budget capped at 16 MB and gen1's at 6 MB, over 20-50 MB live) and native memory outside both (DuckDB's allocator and glibc, bounded now: the appender flushes every 20,480 rows, freed pages go back for good while a large window is appended and committed, glibc is trimmed while syncing); a sync of a few thousand rows already peaks at ~200 MB (peaks in the notes)")));
        }

        if (small > 0 && big > 0)
        {
            var growth = big / small;
            goals.Add(new Goal("peak working set growth, GA4 1M -> 5M rows", "<= 1.2x", string.Create(Inv, $"{growth:0.00}x ({small:0} MB -> {big:0} MB)"), growth <= 1.2,
                growth <= 1.2 ? "" : "something held grows with the report (see the peaks in the notes): DuckDB's buffers fill up to memory_limit as more windows wait in the WAL for the checkpoint, and the managed heap; or read-ahead, if it is the heap alone"));
        }

        if (details["incremental"] is JsonObject inc)
        {
        var ratio = inc["ratio"]!.GetValue<double>();
        goals.Add(new Goal("daily incremental on 3-year history vs empty", "<= 2x", ratio.ToString("0.00", Inv) + "x", ratio <= 2, ratio <= 2 ? "" : "history makes the window replace / upsert slower (or other load on the machine: single runs)"));
        }
        if (details["queries"] is JsonObject q && q.Count > 0)
        {
            var p95 = q.Where(kv => kv.Key.StartsWith("published.", StringComparison.Ordinal) && kv.Key.EndsWith(".p95_ms", StringComparison.Ordinal)).Max(kv => kv.Value!.GetValue<double>());
            var live = q.Where(kv => kv.Key.StartsWith("live.", StringComparison.Ordinal) && kv.Key.EndsWith(".p95_ms", StringComparison.Ordinal)).Max(kv => kv.Value!.GetValue<double>());
            goals.Add(new Goal("dashboard query p95 on the live warehouse (DuckDB mart tables)", "<= 100 ms", string.Create(Inv, $"{live:0} ms"), live <= 100,
                live <= 100 ? "" : "see the per-query figures; SQL Server cannot run here (its mart tables are columnstore, same refresh)"));
            goals.Add(new Goal("dashboard query p95 (published copy BI tools read)", "<= 100 ms", string.Create(Inv, $"{p95:0} ms"), p95 <= 100,
                p95 <= 100 ? "" : "the published tables are read whole; see the per-query figures"));
            if (details["publish_after_daily"] is JsonObject daily && daily["error"] is null)
            {
                // The export a run does: from the copy the previous run published. A first publish writes every row.
                var seconds = daily["seconds"]!.GetValue<double>();
                var whole = q["publish_seconds"]?.GetValue<double>() ?? 0;
                goals.Add(new Goal("BI copy export after a daily run (mart tables copied, not recomputed)", "cheap: <= 15 s at ~10M rows", string.Create(Inv, $"{seconds:0.0} s (a first, whole copy: {whole:0.0} s)"), seconds <= 15,
                    seconds <= 15
                        ? (daily["from_previous"]!.GetValue<bool>() ? "" : "published whole")
                        : string.Create(Inv, $"{(daily["from_previous"]!.GetValue<bool>() ? "from the previous copy, the mart rows the refresh rewrote copied again" : "published whole")}; the dw views are materialised from staging again every time ({daily["rows"]?.GetValue<long>() ?? 0:N0} rows in the copy)")));
            }
        }

        if (details["refresh"] is JsonObject refresh)
        {
            var seconds = refresh["refresh_seconds"]!.GetValue<double>();
            var days = refresh["refresh_days"]!.GetValue<double>();
            goals.Add(new Goal("mart refresh after a daily incremental (~10M staging rows)", "<= 5 s",
                string.Create(Inv, $"{seconds:0.0} s (periods from {days:0} days back; full rebuild {refresh["rebuild_seconds"]!.GetValue<double>():0.0} s)"), seconds > 0 && seconds <= 5,
                seconds > 0 && seconds <= 5 ? "" : refresh["error"]?.GetValue<string>() ?? string.Create(Inv, $"slowest steps: {SlowestSteps(refresh)}; every mart that reads the clock recomputes every period ending on or after the clock horizon (Reporting:CrmMaturityDays, 90 days: a CRM day's status changes with time alone), kpi_values reading the day sums of mart.kpi_measures from the start of its quarter, kpi_trends the periods the rows written compare with (a year back), and mart.kpi_measure_context the CRM and email facts of the whole history (the report streams' spellings come by day from mart.kpi_context_daily); writing the ~0.33M rows each of kpi_values and kpi_trends rewrites takes ~0.5 s of each (DuckDB compresses the row groups as they are appended: ~0.55 s from a ready table, 0.23 s into a temporary one). A horizon per KPI (only the KPIs reading CRM deals from 90 days back) took ~0.7 s off computing kpi_values and kpi_trends, but deleting rows from the middle of the tables made DuckDB rewrite every row group after them at the checkpoint (+0.65 s), and copying the kept rows instead costs about what it saves. Each definition is planned once (its statement runs unprepared: through DuckDB.NET's prepared commands DuckDB planned it twice, ~1 s more in all)")));
        }

        if (details["queries_fact_rows"] is JsonNode factRows)
        {
            var n = factRows.GetValue<long>();
            goals.Add(new Goal("mart query world size", "~10M fact rows", string.Create(Inv, $"{n:N0} staging rows"), n >= 9_000_000,
                n >= 9_000_000 ? "" : "run with --scale below 1"));
        }

        var minutes = total.Elapsed.TotalMinutes;
        goals.Add(new Goal("make bench duration (harness, build excluded)", "< 15 min on 2 cores", string.Create(Inv, $"{minutes:0.0} min on {Environment.ProcessorCount} cores"), minutes < 15,
            minutes < 15 ? "" : "sizes too large for this machine"));
    }

    /// <summary>
    /// CPU per row against the floor's, both measured as the child process's own CPU time (the sandbox runs in this
    /// parent process, so HTTP serving is not in the pipeline's figure; the wall-clock ratio above includes it).
    /// </summary>
    private void JudgeCpu()
    {
        foreach (var r in rows.Where(r => r.FloorRatio is not null))
        {
            var floor = rows.FirstOrDefault(f => f.Case == $"  floor: {r.Case}");
            if (floor is not { CpuSecondsPerMillionRows: > 0 } || r.CpuSecondsPerMillionRows <= 0)
            {
                continue;
            }

            var times = r.CpuSecondsPerMillionRows / floor.CpuSecondsPerMillionRows;
            var pass = times <= 2;
            goals.Add(new Goal($"CPU per row vs floor: {r.Case}", "<= 2x floor CPU per row",
                string.Create(Inv, $"{r.CpuSecondsPerMillionRows:0.0} CPU s/M rows vs floor {floor.CpuSecondsPerMillionRows:0.0} ({times:0.00}x)"), pass,
                pass ? "" : WhereTheCpuGoes(r.Case)));
        }
    }

    /// <summary>
    /// Why a case's CPU per row is above 2x the floor's: perf (499 Hz, JIT maps) of the sync alone, the samples after
    /// the warehouse migration, which the CPU figure leaves out too.
    /// </summary>
    private static string WhereTheCpuGoes(string @case) => @case.Contains("meta", StringComparison.OrdinalIgnoreCase)
        ? "perf of the sync alone: DuckDB 34 %, our compiled code and the BCL 30 % (typing rows from JSON 17 %, read once while each page streams in; typed appends 8 %, of them 3.5 % DuckDB.NET converting decimal to Meta's 128-bit DECIMAL(38,9) action columns), the kernel 22 % (page faults 7 % and madvise 2.5 %: a large window's freed pages go back at once and are faulted in again, the price of the memory goal; DuckDB's writes and, in that profile, the bench's copy of the bodies (the sandbox makes it now) 5 %, reads of DuckDB's temp file 2 %), libc 5 %, the runtime 4 %, the JIT 3 %; the floor appends text"
        : "perf of the sync alone: DuckDB 34 % (statistics and dictionary/FSST compression of the text columns as their row groups are written; the window's duplicate check is under 1 %), our compiled code and the BCL 30 % (JSON 15 %, read once while each page streams in; typing the cells 11 %; typed appends 6 %), the kernel 19 % (page faults 5 %, thread-pool spinning 3 %, madvise 2 %, loopback reads, DuckDB's writes and, in that profile, the bench's copy of the bodies, which the sandbox makes now), the runtime 8 % (mostly the GC), libc 5 %, the JIT 2 %";

    private void Print()
    {
        var sb = new StringBuilder();
        sb.AppendLine();
        sb.AppendLine(string.Create(Inv, $"| case | rows | seconds | rows/s | MB/s | CPU s/M rows | peak WS MB | vs floor | note |"));
        sb.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var r in rows)
        {
            sb.AppendLine(string.Create(Inv, $"| {r.Case} | {r.Rows:N0} | {r.Seconds:0.00} | {r.RowsPerSecond:N0} | {(r.Bytes > 0 ? r.MbPerSecond.ToString("0.0", Inv) : "")} | {(r.CpuSeconds > 0 ? r.CpuSecondsPerMillionRows.ToString("0.0", Inv) : "")} | {r.PeakMb:0} | {(r.FloorRatio is { } f ? f.ToString("P0", Inv) : "")} | {r.Note} |"));
        }

        if (details["incremental"] is JsonObject inc)
        {
            sb.AppendLine();
            sb.AppendLine(string.Create(Inv, $"API requests of the daily incremental run (3-year history): {inc["api_calls_by_source"]?.ToJsonString()}; empty history: {inc["api_calls_by_source_empty"]?.ToJsonString()}; GA4 quota tokens: {inc["ga4_quota_tokens"]} (empty: {inc["ga4_quota_tokens_empty"]})"));
        }

        if (details["queries"] is JsonObject q && q.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine(string.Create(Inv, $"Mart queries over {details["queries_fact_rows"]:N0} staging rows (3-year world synced through the pipeline, grown in SQL); published copy written in {q["publish_seconds"]?.GetValue<double>():0.0} s"));
            sb.AppendLine("| query | live p50 ms | live p95 ms | published p50 ms | published p95 ms | rows |");
            sb.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: |");
            foreach (var name in new[] { "executive", "marketing", "specialist", "trend_13m_by_channel" })
            {
                double F(string k) => q[k]?.GetValue<double>() ?? double.NaN;
                sb.AppendLine(string.Create(Inv, $"| {name} | {F($"live.{name}.p50_ms"):0.0} | {F($"live.{name}.p95_ms"):0.0} | {F($"published.{name}.p50_ms"):0.0} | {F($"published.{name}.p95_ms"):0.0} | {F($"published.{name}.rows"):0} |"));
            }
        }

        sb.AppendLine();
        sb.AppendLine("| goal | target | measured | result |");
        sb.AppendLine("| --- | --- | --- | --- |");
        foreach (var g in goals)
        {
            sb.AppendLine(Inv, $"| {g.Name} | {g.Target} | {g.Measured} | {(g.Pass ? "pass" : "short: " + g.Why)} |");
        }

        Console.WriteLine(sb.ToString());
        details["table_markdown"] = sb.ToString();
    }

    private async Task WriteAsync()
    {
        var root = new JsonObject
        {
            ["generated_at"] = DateTimeOffset.UtcNow.ToString("O", Inv),
            ["cores"] = Environment.ProcessorCount,
            ["os"] = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
            ["scale"] = scale,
            ["sizes"] = new JsonObject
            {
                ["ga4_ingest"] = $"{IngestDays} days x {Ga4SegmentsPerDay} segments/day (one report row each)",
                ["ga4_memory"] = $"{IngestDays} days x {MemorySegmentsPerDay} segments/day",
                ["meta_ingest"] = $"benchmark world scale 1 (1,600 ads), {MetaDays} days, ad level by country, pages of 5,000 rows",
                ["history"] = $"demo-size world (32 Meta ads, 40 GA4 segments a day, 800 contacts), {HistoryDays} days, every source but files",
                ["query_world"] = $"the history grown to {QueryWorldRows:N0} staging rows: Meta insights, ads, ad sets, campaigns and GA4 traffic/landing pages copied with renamed campaigns",
            },
            ["cases"] = JsonSerializer.SerializeToNode(rows.Select(r => new
            {
                @case = r.Case, rows = r.Rows, seconds = r.Seconds, rows_per_second = r.RowsPerSecond, mb_per_second = r.MbPerSecond,
                bytes = r.Bytes, cpu_seconds = r.CpuSeconds, cpu_seconds_per_million_rows = r.CpuSecondsPerMillionRows, peak_working_set_mb = r.PeakMb, floor_ratio = r.FloorRatio, note = r.Note,
            })),
            ["goals"] = JsonSerializer.SerializeToNode(goals.Select(g => new { goal = g.Name, target = g.Target, measured = g.Measured, pass = g.Pass, why = g.Why })),
            ["details"] = details.DeepClone(),
        };
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        await File.WriteAllTextAsync(output, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"Results: {output}");
    }
}
