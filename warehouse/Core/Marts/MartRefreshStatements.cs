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

    /// <summary>Rows of the mart from <paramref name="start"/> on (all rows when null).</summary>
    public static string Delete(MartDefinition mart, DateOnly? start)
    {
        ArgumentNullException.ThrowIfNull(mart);
        return $"DELETE FROM {mart.Table}{Where(mart, start)}";
    }

    /// <summary>Every row of the mart's table (for the small context marts the refresh compares).</summary>
    public static string Rows(MartDefinition mart)
    {
        ArgumentNullException.ThrowIfNull(mart);
        return $"SELECT * FROM {mart.Table}";
    }

    public static string Insert(MartDefinition mart, DateOnly? start)
    {
        ArgumentNullException.ThrowIfNull(mart);
        return $"INSERT INTO {mart.Table} SELECT * FROM {mart.Definition}{Where(mart, start)}";
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
            var from = mart.Refresh.IsFull ? (DateOnly?)null : MartPeriods.Start(start, mart.Refresh.Period);
            yield return Rows(mart);
            yield return Delete(mart, from);
            yield return sql.RefreshFrom(from);
            yield return Insert(mart, from);
            yield return ForgetState(mart);
            yield return RecordState(sql, mart, now);
        }

        yield return ForgetRunLog;
        yield return SnapshotRunLog;
        yield return ForgetFingerprints;
        yield return SaveFingerprints([new(start, "123"), new(start.AddDays(1), "-4")]);
        yield return MarkRefreshed(sql, now);
    }

    private static string Where(MartDefinition mart, DateOnly? start) =>
        start is { } s && !mart.Refresh.IsFull ? $" WHERE {mart.Refresh.Key} >= {MartRefreshSql.Date(s)}" : "";

    private static string Escape(string text) => text.Replace("'", "''", StringComparison.Ordinal);
}
