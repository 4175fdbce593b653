using System.Data.Common;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Pipeline.Warehouse.Marts;

/// <summary>
/// Refreshes the mart tables of either engine, in dependency order and in ONE transaction with the watermark:
/// <list type="bullet">
/// <item>the watermark is the run log as of the last refresh (etl.mart_run_log) and the per-day fingerprints of
/// entity data (etl.mart_entity_days): run-log rows that are new or changed since give their windows (a report
/// stream's window, whatever its status, since coverage reads failures too); entity and snapshot streams, whose rows
/// can move to any date, give the days whose fingerprint changed and, for coverage, the days since their previous
/// success;</item>
/// <item>the clock horizon: days whose status can change with time alone (provisional, maturing CRM days, the
/// current periods) are every day from the longest restatement/maturity horizon before the earlier of today and the
/// last refresh;</item>
/// <item>each range-refreshed mart recomputes its rows from the start of its widest period holding the first affected
/// day on (later rows can depend on earlier days, never the reverse: trailing windows, year-over-year), and of those,
/// when it names its periods' last day, only the periods ending on or after that day; full marts are recomputed
/// whole.</item>
/// </list>
/// Context marts (mart.kpi_measure_context: segment labels, cost scope and Google Ads accounts over the whole history)
/// are replaced first, after the marts they read (the report streams' spellings by day, refreshed from the first day
/// a report window reloaded), and compared with what they held: when they changed, rows outside any day range can
/// change too, and every mart is recomputed whole.
/// A crash or error anywhere rolls everything back, watermark included, so the next refresh recomputes the same days
/// and more: refreshing is idempotent and catches up any number of runs.
/// </summary>
/// <param name="scope">
/// Runs a refresh or rebuild inside what the engine needs for heavy queries (DuckDB: its query memory limit instead
/// of the smaller load limit); null runs it as is.
/// </param>
public sealed class MartRefresher(
    Func<CancellationToken, Task<DbConnection>> open,
    MartRefreshSql sql,
    IReadOnlyList<MartDefinition> marts,
    TimeProvider? clock = null,
    ILogger? logger = null,
    Func<Func<Task<MartRefreshResult>>, Task<MartRefreshResult>>? scope = null)
    : IMartRefresher
{
    private readonly TimeProvider time = clock ?? TimeProvider.System;
    private readonly ILogger log = logger ?? NullLogger.Instance;

    /// <summary>The marts this refresher keeps, in dependency order.</summary>
    public IReadOnlyList<MartDefinition> Marts => marts;

    /// <summary>
    /// Fault injection for crash-consistency tests: called after each mart's DELETE, before its INSERT, inside the
    /// refresh (or rebuild) transaction. Null in production.
    /// </summary>
    public Func<string, CancellationToken, Task>? AfterDelete { get; set; }

    public Task<MartRefreshResult> RefreshAsync(CancellationToken cancellationToken = default) =>
        scope is null ? RefreshInScopeAsync(cancellationToken) : scope(() => RefreshInScopeAsync(cancellationToken));

    public Task<MartRefreshResult> RebuildAsync(CancellationToken cancellationToken = default) =>
        scope is null ? RebuildInScopeAsync(cancellationToken) : scope(() => RebuildInScopeAsync(cancellationToken));

    private async Task<MartRefreshResult> RefreshInScopeAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await using var connection = await open(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        var timings = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);

        // What the context marts read of the report streams (mart.kpi_context_daily) first: those rows change only
        // inside the report windows reloaded since the last refresh, so they are recomputed from the first of those
        // days, and not at all when no report stream ran.
        var runs = await RunLogDelta.ReadAsync(connection, transaction, cancellationToken);
        var changes = new List<(MartDefinition Mart, DateOnly? FirstDay)>();
        var inputs = marts.Where(m => m.FeedsContext).ToList();
        if (inputs.Count > 0)
        {
            var (reloaded, reloadedFrom) = runs.ReportWindows();
            foreach (var mart in inputs.Where(m => reloaded || m.Refresh.IsFull || m.ReadsClock))
            {
                var firstDay = mart.Refresh.IsFull || mart.ReadsClock ? null : reloadedFrom;
                timings[mart.Table] = await RecomputeAsync(connection, transaction, mart, firstDay, cancellationToken);
                changes.Add((mart, firstDay));
            }
        }

        // From here on the definitions read those tables and the context once recomputed (the fingerprints and daily
        // measures below) instead of every fact of the whole history, until the flag is reset after the commit; a
        // failed refresh closes its connection, and the flag with it.
        var context = marts.Where(m => m.Refresh.IsContext).ToList();
        if (context.Count > 0)
        {
            await ExecuteAsync(connection, transaction, sql.ContextRefreshed(true), cancellationToken);
        }

        // Context marts next: when what rows depend on beyond their own days changed, no day range is enough.
        var contextChanged = false;
        foreach (var mart in context)
        {
            var before = await RowsAsync(connection, transaction, mart, cancellationToken);
            timings[mart.Table] = await RecomputeAsync(connection, transaction, mart, null, cancellationToken);
            contextChanged |= !before.SetEquals(await RowsAsync(connection, transaction, mart, cancellationToken));
        }

        // Full marts that read no other mart need no affected days either.
        var first = marts.Where(m => m.Refresh.IsFull && !m.Refresh.IsContext && !m.ReadsMarts).ToList();
        foreach (var mart in first)
        {
            timings[mart.Table] = await RecomputeAsync(connection, transaction, mart, null, cancellationToken);
        }

        var affectedStarted = Stopwatch.GetTimestamp();
        var (from, fromData, fingerprints) = await AffectedFromAsync(connection, transaction, runs, cancellationToken);
        timings[AffectedDaysTiming] = Stopwatch.GetElapsedTime(affectedStarted);
        if (contextChanged)
        {
            log.LogInformation("The marts' context changed (segment labels, cost scope or Google Ads accounts): every mart is recomputed whole");
            from = null;
            fromData = null;
        }

        changes.AddRange(context.Concat(first).Select(m => (m, (DateOnly?)null)));
        foreach (var mart in marts.Except(inputs).Except(context).Except(first))
        {
            var firstDay = mart.ReadsClock ? from : fromData;
            timings[mart.Table] = await RecomputeAsync(connection, transaction, mart, firstDay, cancellationToken);
            changes.Add((mart, firstDay));
        }

        var saving = Stopwatch.GetTimestamp();
        await RecordChangesAsync(connection, transaction, changes, cancellationToken);
        await SaveWatermarkAsync(connection, transaction, fingerprints, cancellationToken);
        timings[WatermarkTiming] = Stopwatch.GetElapsedTime(saving);
        var committing = Stopwatch.GetTimestamp();
        await transaction.CommitAsync(cancellationToken);
        timings[CommitTiming] = Stopwatch.GetElapsedTime(committing);
        await ExecuteAsync(connection, null, sql.ContextRefreshed(false), cancellationToken);
        await AfterCommitAsync(connection, timings, cancellationToken);
        var result = new MartRefreshResult(from, [.. marts.Select(m => m.Table)], Stopwatch.GetElapsedTime(started), timings);
        log.LogInformation("Refreshed {Count} mart tables from {From} in {Seconds:0.0} s; slowest {Slowest}", marts.Count, from?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "the first day", result.Duration.TotalSeconds, Slowest(timings));
        return result;
    }

    private async Task<MartRefreshResult> RebuildInScopeAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await using var connection = await open(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var timings = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        // In dependency order, what the context marts read comes before them: from the first context mart on, the
        // definitions read those tables and then the context itself (as a refresh does).
        var contextReached = false;
        foreach (var mart in marts)
        {
            if (mart.Refresh.IsContext && !contextReached)
            {
                await ExecuteAsync(connection, transaction, sql.ContextRefreshed(true), cancellationToken);
                contextReached = true;
            }

            timings[mart.Table] = await RecomputeAsync(connection, transaction, mart, null, cancellationToken);
        }

        await RecordChangesAsync(connection, transaction, [.. marts.Select(m => (m, (DateOnly?)null))], cancellationToken);
        await SaveWatermarkAsync(connection, transaction, await FingerprintsAsync(connection, transaction, sql.EntityFingerprints, cancellationToken), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await ExecuteAsync(connection, null, sql.ContextRefreshed(false), cancellationToken);
        await AfterCommitAsync(connection, timings, cancellationToken);
        var result = new MartRefreshResult(null, [.. marts.Select(m => m.Table)], Stopwatch.GetElapsedTime(started), timings);
        log.LogInformation("Rebuilt {Count} mart tables in {Seconds:0.0} s; slowest {Slowest}", marts.Count, result.Duration.TotalSeconds, Slowest(timings));
        return result;
    }

    /// <summary>
    /// Records the definitions a deploy just built whole (<paramref name="rebuilt"/>, with the hashes it deployed).
    /// When the deploy built every mart, the watermark moves to now as well; otherwise the shared watermark stays, so
    /// the next refresh still covers what the others have not seen (the rebuilt ones are recomputed again: harmless).
    /// </summary>
    public async Task RecordDeployAsync(IReadOnlyCollection<MartDefinition> rebuilt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rebuilt);
        if (rebuilt.Count == 0)
        {
            return;
        }

        await using var connection = await open(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var mart in rebuilt)
        {
            await ExecuteAsync(connection, transaction, MartRefreshStatements.ForgetState(mart), cancellationToken);
            await ExecuteAsync(connection, transaction, MartRefreshStatements.RecordState(sql, mart, now), cancellationToken);
        }

        await RecordChangesAsync(connection, transaction, [.. rebuilt.Select(m => (m, (DateOnly?)null))], cancellationToken);

        if (rebuilt.Count == marts.Count)
        {
            await SaveWatermarkAsync(connection, transaction, await FingerprintsAsync(connection, transaction, sql.EntityFingerprints, cancellationToken), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// The first day any mart row may have changed since the watermark (null when that is every day); the first day
    /// whose data changed (report windows, entity fingerprints: what a mart that reads neither the clock nor the run
    /// log can have changed on, <see cref="MartDefinition.ReadsClock"/>); and the entity fingerprints as of now when an
    /// entity or snapshot stream ran since (null: they cannot have changed, the stored ones stay).
    /// </summary>
    private async Task<(DateOnly? From, DateOnly? FromData, Dictionary<DateOnly, string>? Fingerprints)> AffectedFromAsync(DbConnection connection, DbTransaction transaction, RunLogDelta runs, CancellationToken cancellationToken)
    {
        Dictionary<DateOnly, string>? fingerprints = null;
        var horizon = runs.RestatementDays;
        var maturity = await QueryAsync(connection, transaction, MartRefreshStatements.CrmMaturity, cancellationToken);
        horizon = Math.Max(horizon, maturity.Count == 0 ? 0 : Convert.ToInt32(maturity[0][0], System.Globalization.CultureInfo.InvariantCulture));

        // The reporting day may be a day ahead of or behind UTC; two days of margin cover any time zone.
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime).AddDays(1);
        var last = await QueryAsync(connection, transaction, MartRefreshStatements.LastRefresh, cancellationToken);
        var lastRefresh = last.Count == 0 || last[0][0] is not DateTime at ? today : DateOnly.FromDateTime(at);
        var from = (lastRefresh < today ? lastRefresh : today).AddDays(-horizon - 2);
        var fromData = today;

        var entityStreams = new List<(string Source, string Stream, string Account)>();
        foreach (var row in runs.Changed)
        {
            var key = ((string)row[0]!, (string)row[1]!);
            if (row[3] is DateTime windowFrom && runs.IsReport(row))
            {
                from = Min(from, DateOnly.FromDateTime(windowFrom));
                fromData = Min(fromData, DateOnly.FromDateTime(windowFrom));
            }
            else
            {
                entityStreams.Add((key.Item1, key.Item2, (string)row[2]!));
            }
        }

        if (entityStreams.Count > 0)
        {
            // Coverage of a stream without windows runs up to its last success: every day since the previous one may change.
            foreach (var (source, stream, account) in entityStreams.Distinct())
            {
                var previous = await QueryAsync(connection, transaction, MartRefreshStatements.PreviousSuccess(source, stream, account), cancellationToken);
                if (previous.Count == 0 || previous[0][0] is not DateTime success)
                {
                    return (null, null, await FingerprintsAsync(connection, transaction, sql.EntityFingerprints, cancellationToken));
                }

                from = Min(from, DateOnly.FromDateTime(success).AddDays(-horizon - 2));
            }

            // Entity data can move to any date: the days whose fingerprint changed (or appeared or vanished) since the last refresh.
            fingerprints = await FingerprintsAsync(connection, transaction, sql.EntityFingerprints, cancellationToken);
            var stored = await FingerprintsAsync(connection, transaction, MartRefreshStatements.StoredFingerprints, cancellationToken);
            foreach (var day in fingerprints.Keys.Union(stored.Keys).Where(d => fingerprints.GetValueOrDefault(d) != stored.GetValueOrDefault(d)))
            {
                from = Min(from, day);
                fromData = Min(fromData, day);
            }
        }

        return (from, fromData, fingerprints);
    }

    /// <summary>
    /// The run log as it changed since the watermark (etl.sync_runs rows new or changed: source, stream, account, window
    /// start), with each stream's kind and the longest restatement horizon of the catalog; read once per refresh.
    /// </summary>
    private sealed record RunLogDelta(IReadOnlyDictionary<(string Source, string Stream), string> Kinds, int RestatementDays, IReadOnlyList<object?[]> Changed)
    {
        public static async Task<RunLogDelta> ReadAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
        {
            var kinds = new Dictionary<(string, string), string>();
            var horizon = 0;
            foreach (var row in await QueryAsync(connection, transaction, MartRefreshStatements.StreamCatalog, cancellationToken))
            {
                kinds[((string)row[0]!, (string)row[1]!)] = (string)row[2]!;
                horizon = Math.Max(horizon, Convert.ToInt32(row[3], System.Globalization.CultureInfo.InvariantCulture));
            }

            return new RunLogDelta(kinds, horizon, await QueryAsync(connection, transaction, MartRefreshStatements.RunLogChanges, cancellationToken));
        }

        public bool IsReport(object?[] row) => Kinds.GetValueOrDefault(((string)row[0]!, (string)row[1]!)) == "Report";

        /// <summary>Whether a report stream ran, and the first day of their windows (null: one carries none, any day may have changed).</summary>
        public (bool Reloaded, DateOnly? From) ReportWindows()
        {
            var reports = Changed.Where(IsReport).ToList();
            return reports.Count == 0 ? (false, null)
                : reports.All(r => r[3] is DateTime) ? (true, reports.Min(r => DateOnly.FromDateTime((DateTime)r[3]!)))
                : (true, null);
        }
    }

    private static async Task<Dictionary<DateOnly, string>> FingerprintsAsync(DbConnection connection, DbTransaction transaction, string query, CancellationToken cancellationToken) =>
        (await QueryAsync(connection, transaction, query, cancellationToken))
            .ToDictionary(r => DateOnly.FromDateTime((DateTime)r[0]!), r => Convert.ToString(r[1], System.Globalization.CultureInfo.InvariantCulture)!);

    /// <summary>
    /// The new watermark: the run log and (when recomputed) the entity fingerprints as of now, and each mart's refresh
    /// time. The definition hashes stay what the last deploy recorded (<see cref="RecordDeployAsync"/>).
    /// </summary>
    private async Task SaveWatermarkAsync(DbConnection connection, DbTransaction transaction, Dictionary<DateOnly, string>? fingerprints, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, transaction, MartRefreshStatements.ForgetRunLog, cancellationToken);
        await ExecuteAsync(connection, transaction, MartRefreshStatements.SnapshotRunLog, cancellationToken);
        if (fingerprints is not null)
        {
            await ExecuteAsync(connection, transaction, MartRefreshStatements.ForgetFingerprints, cancellationToken);
            foreach (var chunk in fingerprints.OrderBy(f => f.Key).Chunk(1000))
            {
                await ExecuteAsync(connection, transaction, MartRefreshStatements.SaveFingerprints(chunk), cancellationToken);
            }
        }

        await ExecuteAsync(connection, transaction, MartRefreshStatements.MarkRefreshed(sql, time.GetUtcNow().UtcDateTime), cancellationToken);
    }

    /// <summary>Days etl.mart_changes keeps what refreshes rewrote: a BI copy older than that is published whole.</summary>
    public const int ChangesKeptDays = 30;

    /// <summary>What this refresh, rebuild or deploy rewrote (etl.mart_changes), for copies of the marts to follow.</summary>
    private async Task RecordChangesAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<(MartDefinition Mart, DateOnly? FirstDay)> changes, CancellationToken cancellationToken)
    {
        if (changes.Count == 0)
        {
            return;
        }

        var now = time.GetUtcNow().UtcDateTime;
        await ExecuteAsync(connection, transaction, MartRefreshStatements.RecordChanges(sql, changes, Guid.NewGuid(), now), cancellationToken);
        await ExecuteAsync(connection, transaction, MartRefreshStatements.ForgetChanges(sql, now.AddDays(-ChangesKeptDays)), cancellationToken);
    }

    /// <summary>The key of <see cref="MartRefreshResult.Timings"/> for working out the affected days.</summary>
    public const string AffectedDaysTiming = "affected days";

    /// <summary>The key of <see cref="MartRefreshResult.Timings"/> for saving the watermark (run log snapshot, fingerprints).</summary>
    public const string WatermarkTiming = "watermark";

    /// <summary>The key of <see cref="MartRefreshResult.Timings"/> for committing (DuckDB writes the replaced rows to its WAL).</summary>
    public const string CommitTiming = "commit";

    /// <summary>The key of <see cref="MartRefreshResult.Timings"/> for <see cref="MartRefreshSql.AfterCommit"/> (DuckDB writes the replaced rows to the file, compressed).</summary>
    public const string CheckpointTiming = "checkpoint";

    private static string Slowest(Dictionary<string, TimeSpan> timings) =>
        string.Join(", ", timings.OrderByDescending(t => t.Value).Take(3).Select(t => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{t.Key} {t.Value.TotalSeconds:0.0} s")));

    /// <summary>The mart's rows a change on <paramref name="firstDay"/> can reach (every row when null) deleted and recomputed from its definition; returns the time it took.</summary>
    private async Task<TimeSpan> RecomputeAsync(DbConnection connection, DbTransaction transaction, MartDefinition mart, DateOnly? firstDay, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await ExecuteAsync(connection, transaction, MartRefreshStatements.Delete(mart, firstDay), cancellationToken);
        if (AfterDelete is { } fault)
        {
            await fault(mart.Name, cancellationToken);
        }

        await ExecuteAsync(connection, transaction, sql.RefreshFrom(MartRefreshStatements.ReadFrom(mart, firstDay)), cancellationToken);
        await ExecuteAsync(connection, transaction, sql.RefreshFirstDay(MartRefreshStatements.FirstDayKept(mart, firstDay)), cancellationToken);
        await ExecuteAsync(connection, transaction, MartRefreshStatements.Insert(mart, firstDay), cancellationToken);
        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>
    /// The engine's statement after the commit (<see cref="MartRefreshSql.AfterCommit"/>), timed. The refresh has
    /// committed by then: a failure leaves its rows safe (DuckDB: in the WAL until the next checkpoint) and is logged.
    /// </summary>
    private async Task AfterCommitAsync(DbConnection connection, Dictionary<string, TimeSpan> timings, CancellationToken cancellationToken)
    {
        if (sql.AfterCommit is not { } statement)
        {
            return;
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = statement;
            command.CommandTimeout = 0;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (DbException e)
        {
            log.LogWarning("The mart tables are committed, but {Statement} after it failed ({Reason})", statement, e.Message);
        }

        timings[CheckpointTiming] = Stopwatch.GetElapsedTime(started);
    }

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;

    /// <summary>A context mart's rows, each as one text (context marts are small by design).</summary>
    private static async Task<HashSet<string>> RowsAsync(DbConnection connection, DbTransaction transaction, MartDefinition mart, CancellationToken cancellationToken) =>
        [.. (await QueryAsync(connection, transaction, MartRefreshStatements.Rows(mart), cancellationToken))
            .Select(r => string.Join('\u001f', r.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "\u0000")))];

    /// <summary>A statement on the refresh's connection, as the engine runs it; outside its transaction (null) after the commit.</summary>
    private Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string statement, CancellationToken cancellationToken) =>
        sql.ExecuteAsync(connection, transaction, statement, cancellationToken);

    private static async Task<List<object?[]>> QueryAsync(DbConnection connection, DbTransaction transaction, string query, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = query;
        command.CommandTimeout = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<object?[]>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = await reader.IsDBNullAsync(i, cancellationToken) ? null : ConvertDate(reader.GetValue(i));
            }

            rows.Add(row);
        }

        return rows;
    }

    // DuckDB returns DATE as DateOnly; SQL Server as DateTime. One shape for the code above.
    private static object ConvertDate(object value) => value is DateOnly d ? d.ToDateTime(TimeOnly.MinValue) : value;
}
