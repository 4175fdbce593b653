using Pipeline.Warehouse.Marts;
using Pipeline.Warehouse.Semantic;

namespace Pipeline.Warehouse.DuckDb;

/// <summary>DuckDB's side of the semantic layer: descriptions as COMMENT ON statements in the same script.</summary>
internal sealed class DuckDbSemanticDialect : SemanticDialect
{
    public static DuckDbSemanticDialect Instance { get; } = new();

    public override string CreateView => "CREATE OR REPLACE VIEW";

    public override string EndOfDefinition => "";

    public override string DescribeObject(string schema, string name, string text) =>
        $"COMMENT ON VIEW {schema}.{name} IS {KpiCatalogScriptProvider.Text(text)};";

    public override string DescribeTable(string schema, string name, string text) =>
        $"COMMENT ON TABLE {schema}.{name} IS {KpiCatalogScriptProvider.Text(text)};";

    public override string MartTable(string name, MartTableAction action, string? order)
    {
        var create = $"CREATE TABLE mart.{name} AS SELECT * FROM {MartLayer.DefinitionSchema}.{name}{(order is null ? "" : " ORDER BY " + order)};";
        return action switch
        {
            MartTableAction.Keep => "",
            MartTableAction.Create => create,
            MartTableAction.ReplaceView => $"DROP VIEW mart.{name};\n{create}",
            MartTableAction.ReplaceTable => $"DROP TABLE mart.{name};\n{create}",
            _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
        };
    }

    public override string DescribeColumn(string schema, string name, string column, string text) =>
        $"COMMENT ON COLUMN {schema}.{name}.{column} IS {KpiCatalogScriptProvider.Text(text)};";

    public override string Pivot(string aggregate, string column, string keyColumn, string key) =>
        $"{aggregate}({column}) FILTER (WHERE {keyColumn} = '{key}')";

    public override string Float => "DOUBLE";

    public override string AsFloat(string expression) => expression;

    public override string SegmentLabel(string column) => $"min(trim({column}))";

    // getvariable() is folded to a constant when the query is bound, so the bound prunes the scan like a literal.
    public override string RefreshFrom(int monthsBefore) =>
        $"COALESCE(CAST(CAST(getvariable('{Marts.MartRefreshSql.RefreshFromVariable}') AS DATE) - INTERVAL {monthsBefore} MONTH AS DATE), DATE '0001-01-01')";

    public override string RefreshFirstDay =>
        $"COALESCE(CAST(getvariable('{Marts.MartRefreshSql.RefreshFirstDayVariable}') AS DATE), DATE '0001-01-01')";

    public override string ContextRefreshed =>
        $"COALESCE(CAST(getvariable('{Marts.MartRefreshSql.ContextRefreshedVariable}') AS BOOLEAN), false)";

    // The flag is a constant when the query is bound, and query_table binds only the relation it names: the view is
    // not even planned while the table is read.
    public override string ContextTable(string name, string columns) =>
        $"query_table(CASE WHEN {ContextRefreshed} THEN 'mart.{name}' ELSE 'dw.{name}' END)";

    public override string Flag(string condition) => $"({condition})";

    public override string IsFalse(string column) => $"NOT {column}";

    public override string ReportingDate(string utcTimestamp) => $"CAST(timezone(s.reporting_time_zone, timezone('UTC', {utcTimestamp})) AS DATE)";

    public override string IsTrue(string column) => column;

    public override string Concat(IReadOnlyList<string> parts) => string.Join(" || ", parts);

    public override string AllTrue(string column) => $"bool_and({column})";

    public override string OrderedList(string column) => $"string_agg({column}, ', ' ORDER BY {column})";

    public override string UrlParameter(string url, string name) =>
        $"NULLIF(replace(replace(regexp_extract({url}, '[?&]{name}=([^&#]*)', 1), '+', ' '), '%20', ' '), '')";

    public override string ReasonList(string column) => $"string_agg({column}, '; ' ORDER BY {column})";

    public override string JoinReasonParts(string column) => $"CROSS JOIN unnest(string_split({column}, '; ')) AS reason_parts(part)";
}
