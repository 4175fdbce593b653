namespace Pipeline.Warehouse.Semantic;

/// <summary>
/// What an engine writes differently around a semantic view: how it describes the view and its columns and what
/// ends a definition before those descriptions. The view bodies stay in each engine's own .sql file.
/// </summary>
public abstract class SemanticDialect
{
    /// <summary>What a shared view's <c>CREATE VIEW</c> becomes: <c>CREATE OR REPLACE VIEW</c> on DuckDB, <c>CREATE OR ALTER VIEW</c> on SQL Server.</summary>
    public abstract string CreateView { get; }

    /// <summary>Text between a definition and its descriptions: nothing on DuckDB, a GO line on SQL Server (CREATE VIEW must be alone in its batch).</summary>
    public abstract string EndOfDefinition { get; }

    /// <summary>A statement describing the view (or table function) itself.</summary>
    public abstract string DescribeObject(string schema, string name, string text);

    /// <summary>A statement describing a materialized mart's table.</summary>
    public virtual string DescribeTable(string schema, string name, string text) => DescribeObject(schema, name, text);

    /// <summary>
    /// What a deploy does with table <c>mart.<paramref name="name"/></c> after its definition view: nothing, or
    /// (after dropping the old view or table) create it filled from <c>mart_def.<paramref name="name"/></c>, in
    /// <paramref name="order"/> when the engine keeps it (<see cref="MartRefreshPolicy.WriteOrder"/>).
    /// </summary>
    public abstract string MartTable(string name, Marts.MartTableAction action, string? order);

    /// <summary>A statement describing one column of the view.</summary>
    public abstract string DescribeColumn(string schema, string name, string column, string text);

    /// <summary>One pivoted column: <paramref name="aggregate"/> of <paramref name="column"/> over the rows whose <paramref name="keyColumn"/> is <paramref name="key"/>.</summary>
    public abstract string Pivot(string aggregate, string column, string keyColumn, string key);

    /// <summary>The double-precision type KPI values are published in.</summary>
    public abstract string Float { get; }

    /// <summary>A decimal expression as a double before dividing (SQL Server would otherwise divide decimals at their scale).</summary>
    public abstract string AsFloat(string expression);

    /// <summary>
    /// A channel, device or country segment label normalised so both engines group it alike: trimmed, and every
    /// case variant shown as the variant that sorts first by code point (an aggregate over rows grouped by
    /// lower(trim(column)), as dw.kpi_measure_context does).
    /// </summary>
    public abstract string SegmentLabel(string column);

    /// <summary>
    /// The first day a range refresh of a mart table recomputes, <paramref name="monthsBefore"/> months earlier: the
    /// refresher sets it for the statement that fills the range (<see cref="Marts.MartRefreshSql.RefreshFrom"/>), so
    /// a definition reads only the days its kept rows can depend on. Unset (every other reader, a full rebuild) it
    /// is the first representable day: every row.
    /// </summary>
    public abstract string RefreshFrom(int monthsBefore);

    /// <summary>
    /// The first day of a range refresh of a mart that names its periods' last day (<see cref="MartRefreshPolicy.End"/>):
    /// the refresher keeps that mart's periods ending before it (<see cref="Marts.MartRefreshSql.RefreshFirstDay"/>),
    /// so its definition may leave them out. Unset it is the first representable day: every row.
    /// </summary>
    public abstract string RefreshFirstDay { get; }

    /// <summary>
    /// True while the refresher's connection has recomputed the context marts (mart.kpi_measure_context) in its
    /// transaction (<see cref="Marts.MartRefreshSql.ContextRefreshed"/>): a definition may then read the table instead
    /// of computing the same rows again from the whole history. False for every other reader.
    /// </summary>
    public abstract string ContextRefreshed { get; }

    /// <summary>
    /// What the context marts read of dw view <c>dw.{name}</c>, which a mart table of the same name keeps
    /// (<c>{{context_table(mart.name): columns}}</c>, used as a FROM item): table <c>mart.{name}</c> while
    /// <see cref="ContextRefreshed"/> holds (the refresher has brought that table up to date in its transaction before
    /// it recomputes the context), the view for every other reader. The same rows either way.
    /// </summary>
    public abstract string ContextTable(string name, string columns);

    /// <summary>A condition as a boolean column (NULL when unknown): DuckDB's BOOLEAN, SQL Server's bit.</summary>
    public abstract string Flag(string condition);

    /// <summary>A boolean column tested false.</summary>
    public abstract string IsFalse(string column);

    /// <summary>A UTC timestamp as a date in the reporting time zone (of <c>dw.settings</c> joined as <c>s</c>).</summary>
    public abstract string ReportingDate(string utcTimestamp);

    /// <summary>A boolean column as a condition: DuckDB has BOOLEAN, SQL Server a bit compared with 1.</summary>
    public abstract string IsTrue(string column);

    /// <summary>Strings joined, NULL when any part is NULL (DuckDB's <c>||</c>, T-SQL's <c>+</c>; CONCAT() would read NULL as '').</summary>
    public abstract string Concat(IReadOnlyList<string> parts);

    /// <summary>An aggregate: true when every row's boolean column is (DuckDB's bool_and; SQL Server has no boolean aggregate).</summary>
    public abstract string AllTrue(string column);

    /// <summary>An aggregate: the column's values joined with ", " in their own order (T-SQL orders with WITHIN GROUP).</summary>
    public abstract string OrderedList(string column);

    /// <summary>
    /// The value of query parameter <paramref name="name"/> (letters, digits, _) in a URL column, '+' and '%20' read
    /// as spaces; NULL when absent or empty.
    /// </summary>
    public abstract string UrlParameter(string url, string name);

    /// <summary>An aggregate: status reasons joined with "; " in their own order (reasons may hold commas; T-SQL's may exceed 8000 bytes).</summary>
    public abstract string ReasonList(string column);

    /// <summary>
    /// A join clause splitting a "; "-joined status_reason into one row per part, exposed as <c>reason_parts.part</c>
    /// (DuckDB's unnest(string_split()), T-SQL's STRING_SPLIT through CROSS APPLY), so parts shared by several KPIs are named once.
    /// </summary>
    public abstract string JoinReasonParts(string column);
}
