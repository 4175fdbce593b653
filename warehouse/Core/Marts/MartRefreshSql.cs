using System.Data.Common;
using System.Globalization;

namespace Pipeline.Warehouse.Marts;

/// <summary>
/// The little of a mart refresh that differs between engines: a timestamp literal and the per-day fingerprint of
/// the rows entity and snapshot streams feed (whose loads carry no date window). Everything else
/// <see cref="MartRefresher"/> writes is the shared subset of both engines' SQL.
/// </summary>
public abstract class MartRefreshSql
{
    /// <summary>
    /// Rows (date, fingerprint): per day, an order-independent hash of the daily measures read from entity and
    /// snapshot streams (CRM deals, contacts, companies, email campaigns, cost files) and of the FX rates. A day
    /// whose fingerprint differs from the stored one is a day such a load changed. Read from table
    /// view dw.kpi_measure_daily: the mart table is refreshed by day range only after the affected days are known.
    /// </summary>
    public abstract string EntityFingerprints { get; }

    public abstract string Timestamp(DateTime utc);

    /// <summary>
    /// Runs one statement of a refresh or rebuild (a DELETE, INSERT or session variable) on its connection, inside
    /// <paramref name="transaction"/> when one is given: through a command unless the engine has a cheaper way.
    /// </summary>
    public virtual async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string statement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = statement;
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// A statement run after a refresh or rebuild commits, timed as <see cref="MartRefresher.CheckpointTiming"/>
    /// (DuckDB: CHECKPOINT, writing the replaced rows into the file at once); null when the engine needs none.
    /// </summary>
    public virtual string? AfterCommit => null;

    /// <summary>The session variable <c>{{refresh_from}}</c> reads (SemanticDialect.RefreshFrom).</summary>
    public const string RefreshFromVariable = "mart_refresh_from";

    /// <summary>
    /// Sets the first day the next INSERT of a range refresh keeps, for this connection only, or unsets it (null) for
    /// a whole recompute. A definition may read fewer days while it is set, never rows the range needs.
    /// </summary>
    public string RefreshFrom(DateOnly? start) => DateVariable(RefreshFromVariable, start);

    /// <summary>The session variable <c>{{refresh_first_day}}</c> reads (SemanticDialect.RefreshFirstDay).</summary>
    public const string RefreshFirstDayVariable = "mart_refresh_first_day";

    /// <summary>
    /// Sets the first day of a range refresh for the next INSERT, for this connection only, or unsets it (null): set
    /// only for a mart that names its periods' last day (<see cref="Semantic.MartRefreshPolicy.End"/>), whose
    /// periods ending before that day the refresh keeps (<see cref="MartRefreshStatements.FirstDayKept"/>). A
    /// definition may then leave those rows out, never one the range writes.
    /// </summary>
    public string RefreshFirstDay(DateOnly? day) => DateVariable(RefreshFirstDayVariable, day);

    /// <summary>Sets a per-connection date variable the definitions read (<see cref="RefreshFrom"/>, <see cref="RefreshFirstDay"/>), or unsets it (null).</summary>
    protected abstract string DateVariable(string name, DateOnly? value);

    /// <summary>The session variable <c>{{context_refreshed}}</c> reads (SemanticDialect.ContextRefreshed).</summary>
    public const string ContextRefreshedVariable = "mart_context_refreshed";

    /// <summary>
    /// Tells the definitions read on this connection that the context marts were just recomputed in its transaction
    /// (true), or no longer (false). dw.kpi_measure_daily reads its segment labels, cost scope and Google Ads accounts
    /// from mart.kpi_measure_context then, instead of computing them again from every fact of the whole history for
    /// the entity fingerprints and for each range of mart.kpi_measure_daily. Same rows: the table was filled from that
    /// view in the same transaction.
    /// </summary>
    public abstract string ContextRefreshed(bool refreshed);

    public static string Date(DateOnly date) => string.Create(CultureInfo.InvariantCulture, $"CAST('{date:yyyy-MM-dd}' AS DATE)");

    /// <summary>
    /// The platforms whose daily measures come from streams without date windows (CRM, Mailchimp campaigns, files), as
    /// constants: the engine then skips the report branches of dw.kpi_measure_daily (GA4, Meta, Google Ads: nearly every
    /// row). A test checks that every entity measure's rows are on these platforms.
    /// </summary>
    public const string EntityPlatforms = "'hubspot', 'mailchimp', 'files'";

    /// <summary>The measures whose rows can move to any date: read from streams without date windows.</summary>
    public const string EntityMeasures =
        "SELECT ms.measure FROM dw.measure_sources AS ms JOIN dw.stream_catalog AS sc ON sc.source = ms.source AND sc.stream = ms.stream WHERE sc.kind <> 'Report'";
}
