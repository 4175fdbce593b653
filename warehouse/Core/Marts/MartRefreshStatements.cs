namespace Pipeline.Warehouse.Marts;

/// <summary>
/// Every statement <see cref="MartRefresher"/> runs, written once in the subset both engines share (plus the few
/// <see cref="MartRefreshSql"/> parts), so the SQL Server twin can be parsed (tests/Pipeline.SqlServer.Scripts.Tests)
/// without a server.
/// </summary>
public static class MartRefreshStatements
{
    private const string RunLogColumns = "run_id, source, stream, account_id, started_at, finished_at, status, window_from, window_to";

    public const string StreamCatalog = "SELECT source, stream, kind, restatement_days FROM dw.stream_catalog";

    public const string CrmMaturity = "SELECT crm_maturity_days FROM dw.settings";

    public const string LastRefresh = "SELECT min(refreshed_at) FROM etl.mart_state";

    /// <summary>Run-log rows new or changed since the last refresh (the run log it saw is etl.mart_run_log).</summary>
    public const string RunLogChanges =
        $"SELECT r.source, r.stream, r.account_id, r.window_from FROM (SELECT {RunLogColumns} FROM etl.sync_runs EXCEPT SELECT {RunLogColumns} FROM etl.mart_run_log) AS r";

    public const string StoredFingerprints = "SELECT date, fingerprint FROM etl.mart_entity_days";

    public const string ForgetRunLog = "DELETE FROM etl.mart_run_log";

    public const string SnapshotRunLog = $"INSERT INTO etl.mart_run_log ({RunLogColumns}) SELECT {RunLogColumns} FROM etl.sync_runs";

    public const string ForgetFingerprints = "DELETE FROM etl.mart_entity_days";

    public static string PreviousSuccess(string source, string stream, string account) =>
        $"SELECT max(finished_at) FROM etl.mart_run_log WHERE source = '{Escape(source)}' AND stream = '{Escape(stream)}' AND account_id = '{Escape(account)}' AND status = 'Succeeded'";

    /// <summary>The mart's rows that a change on <paramref name="firstDay"/> can reach (all rows when null; see <see cref="Where"/>).</summary>
    public static string Delete(MartDefinition mart, DateOnly? firstDay)
    {
        ArgumentNullException.ThrowIfNull(mart);
        return $"DELETE FROM {mart.Table}{Where(mart, firstDay)}";
    }

    /// <summary>Every row of the mart's table (for the small context marts the refresh compares).</summary>
    public static string Rows(MartDefinition mart)
    {
        ArgumentNullException.ThrowIfNull(mart);
        return $"SELECT * FROM {mart.Table}";
    }

    /// <summary>The same rows as <see cref="Delete"/>, computed by the mart's definition, in its write order (<see cref="Semantic.MartRefreshPolicy.WriteOrder"/>).</summary>
    public static string Insert(MartDefinition mart, DateOnly? firstDay)
    {
        ArgumentNullException.ThrowIfNull(mart);
        return $"INSERT INTO {mart.Table} SELECT * FROM {mart.Definition}{Where(mart, firstDay)}{OrderBy(mart)}";
    }

    /// <summary>The ORDER BY of the mart's write order (empty for a full mart), for rows appended to it or to a copy of it.</summary>
    public static string OrderBy(MartDefinition mart)
    {
        ArgumentNullException.ThrowIfNull(mart);
        return mart.Refresh.WriteOrder is { } order ? " ORDER BY " + order : "";
    }

    /// <summary>
    /// Where the definition starts reading data for a change on <paramref name="firstDay"/>: the start of the widest
    /// period holding it (null, every day, for a full mart or no day).
    /// </summary>
    public static DateOnly? ReadFrom(MartDefinition mart, DateOnly? firstDay)
    {
        ArgumentNullException.ThrowIfNull(mart);
        return firstDay is { } day && !mart.Refresh.IsFull ? MartPeriods.Start(day, mart.Refresh.Period) : null;
    }

    /// <summary>
    /// The first day a change on <paramref name="firstDay"/> rewrites periods from, for a mart that names its periods'
    /// last day: rows of periods ending before it are kept (<see cref="Where"/>), so its definition need not compute
    /// them (<see cref="MartRefreshSql.RefreshFirstDay"/>). Null, every period, for any other mart or no day.
    /// </summary>
    public static DateOnly? FirstDayKept(MartDefinition mart, DateOnly? firstDay)
    {
        ArgumentNullException.ThrowIfNull(mart);
        return ReadFrom(mart, firstDay) is not null && mart.Refresh.End is not null ? firstDay : null;
    }

    /// <summary>
    /// Records what one refresh, rebuild or deploy rewrote (etl.mart_changes), under the next sequence number: per mart,
    /// the first day its rows were recomputed from, NULL for the whole table (a full mart, or no day).
    /// </summary>
    public static string RecordChanges(MartRefreshSql sql, IEnumerable<(MartDefinition Mart, DateOnly? FirstDay)> changes, Guid refreshId, DateTime utcNow)
    {
        ArgumentNullException.ThrowIfNull(sql);
        ArgumentNullException.ThrowIfNull(changes);
        var rows = string.Join(", ", changes.Select(c =>
            $"('{c.Mart.Table}', {(ReadFrom(c.Mart, c.FirstDay) is null ? "CAST(NULL AS DATE)" : MartRefreshSql.Date(c.FirstDay!.Value))})"));
        return "INSERT INTO etl.mart_changes (seq, refresh_id, changed_at, mart, first_day) " +
            $"SELECT (SELECT COALESCE(max(seq), 0) + 1 FROM etl.mart_changes), '{refreshId:D}', {sql.Timestamp(utcNow)}, v.mart, v.first_day " +
            $"FROM (VALUES {rows}) AS v (mart, first_day)";
    }

    /// <summary>Changes older than <paramref name="keepSince"/> are forgotten: a BI copy older than that is published whole.</summary>
    public static string ForgetChanges(MartRefreshSql sql, DateTime keepSince)
    {
        ArgumentNullException.ThrowIfNull(sql);
        return $"DELETE FROM etl.mart_changes WHERE changed_at < {sql.Timestamp(keepSince)}";
    }

    /// <summary>
    /// The rows of the mart a change on <paramref name="firstDay"/> rewrites, as a WHERE clause (empty: every row):
    /// what <see cref="Delete"/> deletes and <see cref="Insert"/> recomputes, for copies of the mart to do the same.
    /// </summary>
    public static string RowsChangedFrom(MartDefinition mart, DateOnly? firstDay)
    {
        ArgumentNullException.ThrowIfNull(mart);
        return Where(mart, firstDay);
    }

    /// <summary>Up to 1,000 rows, which both engines take in one VALUES list.</summary>
    public static string SaveFingerprints(IEnumerable<KeyValuePair<DateOnly, string>> days) =>
        "INSERT INTO etl.mart_entity_days (date, fingerprint) VALUES " + string.Join(", ", days.Select(f => $"({MartRefreshSql.Date(f.Key)}, '{Escape(f.Value)}')"));

    public static string MarkRefreshed(MartRefreshSql sql, DateTime utcNow)
    {
        ArgumentNullException.ThrowIfNull(sql);
        return $"UPDATE etl.mart_state SET refreshed_at = {sql.Timestamp(utcNow)}, watermark = (SELECT max(COALESCE(finished_at, started_at)) FROM etl.sync_runs)";
    }

    public static string ForgetState(MartDefinition mart)
    {
        ArgumentNullException.ThrowIfNull(mart);
        return $"DELETE FROM etl.mart_state WHERE mart = '{mart.Table}'";
    }

    public static string RecordState(MartRefreshSql sql, MartDefinition mart, DateTime utcNow)
    {
        ArgumentNullException.ThrowIfNull(sql);
        ArgumentNullException.ThrowIfNull(mart);
        return $"INSERT INTO etl.mart_state (mart, definition_hash, refreshed_at, watermark) VALUES ('{mart.Table}', '{mart.Hash}', {sql.Timestamp(utcNow)}, NULL)";
    }

    /// <summary>One of each statement, for <paramref name="marts"/>, as a refresh from <paramref name="start"/> and a deploy would run them.</summary>
    public static IEnumerable<string> Sample(MartRefreshSql sql, IEnumerable<MartDefinition> marts, DateOnly start)
    {
        ArgumentNullException.ThrowIfNull(sql);
        ArgumentNullException.ThrowIfNull(marts);
        var now = new DateTime(2026, 12, 5, 6, 0, 0, DateTimeKind.Utc);
        yield return StreamCatalog;
        yield return CrmMaturity;
        yield return LastRefresh;
        yield return RunLogChanges;
        yield return PreviousSuccess("hubspot", "deals", "o'brien");
        yield return sql.EntityFingerprints;
        yield return StoredFingerprints;
        foreach (var mart in marts)
        {
            var firstDay = mart.Refresh.IsFull ? (DateOnly?)null : start;
            yield return Rows(mart);
            yield return Delete(mart, firstDay);
            yield return sql.RefreshFrom(ReadFrom(mart, firstDay));
            yield return sql.RefreshFirstDay(FirstDayKept(mart, firstDay));
            yield return sql.ContextRefreshed(mart.Refresh.IsContext);
            yield return Insert(mart, firstDay);
            yield return ForgetState(mart);
            yield return RecordState(sql, mart, now);
        }

        yield return RecordChanges(sql, marts.Select(m => (m, m.Refresh.IsFull ? (DateOnly?)null : start)), Guid.Empty, now);
        yield return ForgetChanges(sql, now.AddDays(-30));
        yield return ForgetRunLog;
        yield return SnapshotRunLog;
        yield return ForgetFingerprints;
        yield return SaveFingerprints([new(start, "123"), new(start.AddDays(1), "-4")]);
        yield return MarkRefreshed(sql, now);
    }

    /// <summary>
    /// Rows whose key is on or after the widest period's start (<see cref="ReadFrom"/>); of those, when the mart names
    /// its periods' last day, only the periods ending on or after <paramref name="firstDay"/>: an earlier period
    /// depends on earlier days only (a NULL end is kept in, as if the period ran on).
    /// </summary>
    private static string Where(MartDefinition mart, DateOnly? firstDay)
    {
        if (ReadFrom(mart, firstDay) is not { } start)
        {
            return "";
        }

        var rows = $" WHERE {mart.Refresh.Key} >= {MartRefreshSql.Date(start)}";
        return mart.Refresh.End is { } end
            ? rows + $" AND ({end} >= {MartRefreshSql.Date(firstDay!.Value)} OR {end} IS NULL)"
            : rows;
    }

    private static string Escape(string text) => text.Replace("'", "''", StringComparison.Ordinal);
}
