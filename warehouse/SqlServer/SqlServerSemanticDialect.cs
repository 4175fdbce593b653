using Pipeline.Warehouse.Marts;
using Pipeline.Warehouse.Semantic;

namespace Pipeline.Warehouse.SqlServer;

/// <summary>SQL Server's side of the semantic layer: descriptions as etl.set_description calls in a batch after the view's.</summary>
internal sealed class SqlServerSemanticDialect : SemanticDialect
{
    public static SqlServerSemanticDialect Instance { get; } = new();

    public override string CreateView => "CREATE OR ALTER VIEW";

    public override string EndOfDefinition => "GO\n";

    public override string DescribeObject(string schema, string name, string text) =>
        KpiCatalogScriptProvider.Describe(schema, name, null, text);

    // A clustered columnstore index: the marts are read by period and segment scans, which columnstore compresses
    // and skips by segment; the range refresh deletes and inserts whole periods. SELECT INTO keeps no order (the
    // refresh's INSERT is ordered); the index is built from whatever order the rows came in.
    public override string MartTable(string name, MartTableAction action, string? order)
    {
        var create = $"SELECT * INTO mart.{name} FROM {MartLayer.DefinitionSchema}.{name};\nCREATE CLUSTERED COLUMNSTORE INDEX cci_{name} ON mart.{name};";
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
        KpiCatalogScriptProvider.Describe(schema, name, column, text);

    public override string Pivot(string aggregate, string column, string keyColumn, string key) =>
        $"{aggregate.ToUpperInvariant()}(CASE WHEN {keyColumn} = '{key}' THEN {column} END)";

    public override string Float => "float";

    public override string AsFloat(string expression) => $"CAST({expression} AS float)";

    // A binary collation for MIN, so the spelling chosen is the same as DuckDB's byte order would choose, then back to
    // the database collation so the column compares with every other text column without a collation conflict.
    public override string SegmentLabel(string column) =>
        $"MIN(TRIM({column}) COLLATE Latin1_General_100_BIN2) COLLATE DATABASE_DEFAULT";

    // Session context holds sql_variant: the yyyy-MM-dd text the refresher sets, read as text, then as a date.
    public override string RefreshFrom(int monthsBefore) =>
        $"COALESCE(DATEADD(month, -{monthsBefore}, CAST(CAST(SESSION_CONTEXT(N'{Marts.MartRefreshSql.RefreshFromVariable}') AS nvarchar(10)) AS date)), CAST('0001-01-01' AS date))";

    public override string RefreshFirstDay =>
        $"COALESCE(CAST(CAST(SESSION_CONTEXT(N'{Marts.MartRefreshSql.RefreshFirstDayVariable}') AS nvarchar(10)) AS date), CAST('0001-01-01' AS date))";

    public override string ContextRefreshed =>
        $"COALESCE(CAST(SESSION_CONTEXT(N'{Marts.MartRefreshSql.ContextRefreshedVariable}') AS bit), 0) = 1";

    // The branch not taken is skipped at run time (a startup filter on the session key).
    public override string ContextTable(string name, string columns) =>
        $"(SELECT {columns} FROM mart.{name} WHERE {ContextRefreshed} UNION ALL SELECT {columns} FROM dw.{name} WHERE NOT ({ContextRefreshed}))";

    // WHEN NOT: an unknown condition stays NULL, as DuckDB's boolean would.
    public override string Flag(string condition) => $"CAST(CASE WHEN {condition} THEN 1 WHEN NOT ({condition}) THEN 0 END AS bit)";

    public override string IsFalse(string column) => $"{column} = 0";

    // AT TIME ZONE knows zones by their Windows names only (dw.settings.reporting_time_zone_windows).
    public override string ReportingDate(string utcTimestamp) => $"CAST(({utcTimestamp} AT TIME ZONE 'UTC') AT TIME ZONE s.reporting_time_zone_windows AS date)";

    public override string IsTrue(string column) => column + " = 1";

    public override string Concat(IReadOnlyList<string> parts) => string.Join(" + ", parts);

    public override string AllTrue(string column) => $"CAST(MIN(CAST({column} AS int)) AS bit)";

    public override string OrderedList(string column) => $"STRING_AGG({column}, ', ') WITHIN GROUP (ORDER BY {column})";

    // No regular expressions: PATINDEX finds "?name=" or "&name=" ('_' escaped, a LIKE wildcard), the value runs to the next & or #.
    public override string UrlParameter(string url, string name)
    {
        var at = $"PATINDEX('%[?&]{name.Replace("_", "[_]", StringComparison.Ordinal)}=%', {url})";
        var rest = $"SUBSTRING({url}, {at} + {name.Length + 2}, 4000)";
        return $"NULLIF(REPLACE(REPLACE(CASE WHEN {at} > 0 THEN LEFT({rest}, PATINDEX('%[&#]%', {rest} + '&') - 1) END, '+', ' '), '%20', ' '), '')";
    }

    public override string ReasonList(string column) => $"STRING_AGG(CAST({column} AS nvarchar(max)), '; ') WITHIN GROUP (ORDER BY {column})";

    public override string JoinReasonParts(string column) => $"CROSS APPLY (SELECT CAST(TRIM(value) AS nvarchar(400)) AS part FROM STRING_SPLIT({column}, ';')) AS reason_parts";
}
