namespace Pipeline.Warehouse.Semantic;

/// <summary>One view (or table function) of the semantic layer: the engine's SQL from Scripts/Semantic/&lt;schema&gt;/&lt;name&gt;.sql.</summary>
public sealed record SemanticScript(string Schema, string Name, string Sql)
{
    public string Key => Schema + "." + Name;
}

/// <summary>What a view and its columns mean (warehouse/Semantic/&lt;schema&gt;/&lt;name&gt;.json), for every engine.</summary>
public sealed record ViewDocs(string? Description, IReadOnlyList<ColumnDoc> Columns)
{
    public static ViewDocs None { get; } = new(null, []);

    /// <summary>How the mart's table is kept up to date (its "refresh" key); null for dw views, which stay views.</summary>
    public MartRefreshPolicy? Refresh { get; init; }
}

/// <summary>
/// How a materialized mart is refreshed, declared once in its docs file: <c>"refresh": "full"</c> (small marts,
/// replaced whole) or <c>"refresh": {"key": "period_start", "period": "quarter"}</c>: rows whose key is on or after
/// the start of the widest period (day, week, month, quarter, year) holding the first affected day are recomputed.
/// Rows before it cannot change, because every mart row depends only on its own period and earlier days, and on
/// the context marts: <c>"refresh": "context"</c> (mart.kpi_measure_context) is a small mart of what rows depend on
/// beyond their days (segment labels, cost scope over the whole history), replaced whole first; when its rows
/// change, every mart is recomputed whole.
/// A mart whose rows are periods of several grains names its period's last day too (<c>"end": "period_end"</c>): of
/// those rows only the ones whose period ends on or after the first affected day are recomputed. The day rows of the
/// quarter before it, the weeks and months that ended before it, depend on earlier days only and stay; the
/// definition still reads its data from the widest period's start, so a quarter in progress is computed whole.
/// </summary>
public sealed record MartRefreshPolicy(string? Key, string Period)
{
    /// <summary>The column holding the last day of a row's period, when the mart declares one (see the summary).</summary>
    public string? End { get; init; }

    public static MartRefreshPolicy Full { get; } = new(null, "all");

    public static MartRefreshPolicy Context { get; } = new(null, "context");

    public bool IsFull => Key is null;

    public bool IsContext => Period == Context.Period;

    /// <summary>
    /// The order a range-refreshed mart's rows are written in (its period's last day, then its key; null for a full
    /// mart): a refresh then deletes a tail of the table, whole row groups, instead of rows spread over all of them,
    /// which DuckDB rewrites at the next checkpoint; and a period filter skips row groups by their min/max.
    /// </summary>
    public string? WriteOrder => IsFull ? null : End is { } end ? $"{end}, {Key}" : Key;

    internal static readonly string[] Periods = ["day", "week", "month", "quarter", "year"];
}

/// <summary>A column description a view's docs set (columns left out get the <see cref="ColumnGlossary"/> text).</summary>
public sealed record ColumnDoc(string Column, string Description);
