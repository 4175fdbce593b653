using System.Data.Common;
using System.Globalization;
using DuckDB.NET.Data;
using DuckDB.NET.Native;
using Pipeline.Warehouse.Marts;

namespace Pipeline.Warehouse.DuckDb;

/// <summary>DuckDB's side of a mart refresh: hash() summed as HUGEINT for the per-day fingerprint.</summary>
internal sealed class DuckDbMartRefreshSql : MartRefreshSql
{
    public static DuckDbMartRefreshSql Instance { get; } = new();

    // Writers let the WAL grow to DuckDbWarehouse.CheckpointThreshold; a refresh folds it into the file once.
    public override string AfterCommit => "CHECKPOINT";

    public override string EntityFingerprints { get; } = $"""
        SELECT date, CAST(sum(h) AS VARCHAR) AS fingerprint
        FROM (
            SELECT date, CAST(hash(measure, value, breakdown, platform, channel, campaign, device, country) AS HUGEINT) AS h
            FROM dw.kpi_measure_daily WHERE platform IN ({EntityPlatforms}) AND measure IN ({EntityMeasures})
            UNION ALL
            SELECT date, CAST(hash(currency, rate_to_reporting) AS HUGEINT) FROM dw.fx_daily
        ) AS f
        GROUP BY date
        """;

    // SET VARIABLE is per connection: a dashboard reading the definitions meanwhile never sees it.
    protected override string DateVariable(string name, DateOnly? value) =>
        value is { } day ? $"SET VARIABLE {name} = {Date(day)}" : $"RESET VARIABLE {name}";

    public override string ContextRefreshed(bool refreshed) =>
        refreshed ? $"SET VARIABLE {ContextRefreshedVariable} = true" : $"RESET VARIABLE {ContextRefreshedVariable}";

    /// <summary>
    /// Runs the statement unprepared (duckdb_query) on the connection, in the transaction it has open. DuckDB.NET's
    /// commands prepare every statement, and DuckDB binds and plans it again to execute it (it prefers re-binding a
    /// prepared statement to running a plan made before it ran: duckdb/duckdb#20885). A mart definition binds the dw
    /// views under it, so planning is much of a refresh step: EXPLAIN of the refresh's statements on the 10M-row bench
    /// world took ~2.0 s prepared, ~1.0 s unprepared; the replayed refresh 4.0-4.3 -> 3.7 s.
    /// </summary>
    public override Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string statement, CancellationToken cancellationToken)
    {
        var native = ((DuckDBConnection)connection).NativeConnection;
        cancellationToken.ThrowIfCancellationRequested();
        using (cancellationToken.Register(() => NativeMethods.Startup.DuckDBInterrupt(native)))
        {
            var state = NativeMethods.Query.DuckDBQuery(native, statement, out var result);
            try
            {
                if (state != DuckDBState.Success)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    throw new DuckDbStatementException(NativeMethods.Query.DuckDBResultError(ref result));
                }
            }
            finally
            {
                NativeMethods.Query.DuckDBDestroyResult(ref result);
            }
        }

        return Task.CompletedTask;
    }

    public override string Timestamp(DateTime utc) => string.Create(CultureInfo.InvariantCulture, $"CAST('{utc:yyyy-MM-dd HH:mm:ss.ffffff}' AS TIMESTAMP)");
}
