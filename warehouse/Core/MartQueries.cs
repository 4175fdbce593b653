namespace Pipeline.Warehouse;

/// <summary>
/// The read queries of <c>pipeline kpi</c>, <c>pipeline report</c> and the scheduler's anomaly check, written once in
/// the SQL both engines share; only what <see cref="SqlDialect"/> renders differs. Parameters are named in each
/// method's summary. What the shared subset cannot say (DuckDB's FILTER, arg_max, string_agg ORDER BY, LIMIT;
/// date differences) is left to the caller, over rows these return.
/// </summary>
public static class MartQueries
{
    /// <summary>The KPI catalog, funnel stage order then id.</summary>
    public const string KpiCatalog =
        """
        SELECT kpi_id, name, description, formula, stage, unit, better_when, additivity, audiences, mart_view, cadence
        FROM mart.kpi_catalog
        ORDER BY CASE stage WHEN 'Awareness' THEN 0 WHEN 'Consideration' THEN 1 WHEN 'Conversion' THEN 2 ELSE 3 END, kpi_id
        """;

    /// <summary>1 when any base measure is loaded (an empty warehouse explains an empty result), else 0.</summary>
    public const string HasAnyMeasure = "SELECT CASE WHEN EXISTS (SELECT 1 FROM dw.kpi_measure_daily) THEN 1 ELSE 0 END";

    /// <summary>The reporting currency every money column is converted to.</summary>
    public const string ReportingCurrency = "SELECT reporting_currency FROM dw.settings";

    /// <summary>The last day with GA4 or Meta data, the daily sources (later days are still loading).</summary>
    public const string DailyDataThrough = "SELECT max(date) FROM dw.kpi_measure_daily WHERE platform IN ('ga4', 'meta')";

    /// <summary>The last day with data per platform.</summary>
    public const string DataThroughByPlatform = "SELECT platform, max(date) FROM dw.kpi_measure_daily GROUP BY platform";

    /// <summary>Every stream of every account with its last outcome (<c>etl.v_stream_status</c>).</summary>
    public const string StreamStatus =
        """
        SELECT source, stream, account_id, last_status, last_success_at, hours_since_success, last_started_at, last_error
        FROM etl.v_stream_status
        ORDER BY source, stream, account_id
        """;

    /// <summary>The newest day <c>mart.kpi_anomalies</c> has a row for (NULL when none).</summary>
    public const string LatestAnomalyDate = "SELECT max(date) FROM mart.kpi_anomalies";

    /// <summary>The names of the KPI marts <c>pipeline kpi</c> reads, beside <c>mart.kpi_over_range</c>.</summary>
    public static readonly IReadOnlyList<string> KpiViews = ["kpi_catalog", "kpi_values"];

    /// <summary>The views <c>pipeline report</c> reads, beside <c>mart.kpi_over_range</c>.</summary>
    public static readonly IReadOnlyList<string> ReportViews =
        ["kpi_catalog", "kpi_values", "kpi_target_progress", "kpi_anomalies", "kpi_trends", "dashboard_executive", "customer_retention", "funnel_monthly"];

    /// <summary>
    /// How many of the named <c>mart</c> views and <c>mart.kpi_over_range</c> exist: <c>views.Count + 1</c> when the
    /// semantic layer is migrated.
    /// </summary>
    public static string CountMartObjects(SqlDialect dialect, IReadOnlyList<string> views)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        return $"""
            SELECT (SELECT count(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'mart' AND TABLE_NAME IN ({InList(views)}))
                 + {dialect.CountRoutines("mart", "kpi_over_range")}
            """;
    }

    /// <summary>
    /// KPI values of one segment type, by <c>$from</c>, <c>$to</c>, <c>$segment_type</c>, and <c>$grain</c> unless
    /// <paramref name="total"/>, <c>$segment</c> (compared ignoring case) when <paramref name="oneSegment"/>. A total is
    /// one sum over the exact range (<c>mart.kpi_over_range</c>); other grains every period of <c>mart.kpi_values</c>
    /// that overlaps it. Columns: period_start, period_end, grain, segment_type, segment, kpi_id, numerator,
    /// denominator, value, unit, currency, coverage, status, status_reason.
    /// </summary>
    public static string KpiValues(SqlDialect dialect, IReadOnlyList<string> kpiIds, bool total, bool oneSegment) =>
        Selection(dialect, kpiIds, total, oneSegment, "period_start, period_end, grain, segment_type, segment, kpi_id, numerator, denominator, value, unit, currency, coverage, status, status_reason")
        + " ORDER BY period_start, segment, kpi_id";

    /// <summary>The segments with values in a selection (parameters as <see cref="KpiValues"/> without a segment).</summary>
    public static string KpiSegments(SqlDialect dialect, IReadOnlyList<string> kpiIds, bool total) =>
        Selection(dialect, kpiIds, total, oneSegment: false, "DISTINCT segment") + " ORDER BY segment";

    /// <summary>The grains and segment types <c>mart.kpi_values</c> publishes each KPI at (kpi_id, grain, segment_type).</summary>
    public static string KpiPublishedAt(IReadOnlyList<string> kpiIds) =>
        $"SELECT DISTINCT kpi_id, grain, segment_type FROM mart.kpi_values WHERE kpi_id IN ({InList(kpiIds)})";

    /// <summary>
    /// <c>mart.kpi_over_range</c> from <c>$from</c> to <c>$to</c> for the whole business, channels and campaigns:
    /// segment_type, segment, kpi_id, numerator, denominator, value, currency, coverage, status, status_reason.
    /// </summary>
    public static string RangeValues(SqlDialect dialect)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        return $"""
            SELECT segment_type, segment, kpi_id, numerator, denominator, value, currency, coverage, status, status_reason
            FROM {dialect.KpiOverRange("from", "to")}
            WHERE segment_type IN ('all', 'channel', 'campaign') AND segment IS NOT NULL
            """;
    }

    /// <summary>Whole-business values of <c>mart.kpi_values</c> at <c>$grain</c> overlapping <c>$from</c>..<c>$to</c>: kpi_id, period_start, value.</summary>
    public static string Series(SqlDialect dialect)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        return $"""
            SELECT kpi_id, period_start, value FROM mart.kpi_values
            WHERE grain = {dialect.Parameter("grain")} AND segment_type = 'all'
              AND period_end >= CAST({dialect.Parameter("from")} AS DATE) AND period_start <= CAST({dialect.Parameter("to")} AS DATE)
            """;
    }

    /// <summary>
    /// Whole-business values of the named KPIs per calendar month whose start is from <c>$from</c> to <c>$to</c>, with
    /// their status: kpi_id, period_start, numerator, denominator, value, currency, status, status_reason.
    /// </summary>
    public static string MonthValues(SqlDialect dialect, IReadOnlyList<string> kpiIds)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        return $"""
            SELECT kpi_id, period_start, numerator, denominator, value, currency, status, status_reason FROM mart.kpi_values
            WHERE grain = 'month' AND segment_type = 'all' AND kpi_id IN ({InList(kpiIds)})
              AND period_start >= CAST({dialect.Parameter("from")} AS DATE) AND period_start <= CAST({dialect.Parameter("to")} AS DATE)
            ORDER BY period_start, kpi_id
            """;
    }

    /// <summary>
    /// How many of the status columns (coverage, status, status_reason) <c>mart.kpi_values</c> has: 3 once the warehouse
    /// is migrated with coverage; fewer on one made before (its published copy, say).
    /// </summary>
    public const string CountStatusColumns =
        """
        SELECT count(*) FROM INFORMATION_SCHEMA.COLUMNS
        WHERE TABLE_SCHEMA = 'mart' AND TABLE_NAME = 'kpi_values' AND COLUMN_NAME IN ('coverage', 'status', 'status_reason')
        """;

    /// <summary>1 when <c>dw.fx_missing</c> exists (a warehouse migrated before it has none), else 0.</summary>
    public const string HasFxMissing =
        "SELECT count(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'dw' AND TABLE_NAME = 'fx_missing'";

    /// <summary>
    /// Money rows whose currency has no FX rate (<c>dw.fx_missing</c>), per currency and source: currency, source,
    /// days, first day, last day, rows. ("rows" is quoted: a reserved word in T-SQL.)
    /// </summary>
    public const string FxMissing =
        """
        SELECT currency, source, count(DISTINCT date), min(date), max(date), sum("rows")
        FROM dw.fx_missing
        GROUP BY currency, source
        ORDER BY currency, source
        """;

    /// <summary>
    /// Whole-business targets whose range holds <c>$to</c>: kpi_id, period_start, period_end, target, actual,
    /// pct_achieved, projected, status, days_elapsed, days_total.
    /// </summary>
    public static string Targets(SqlDialect dialect)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        var to = $"CAST({dialect.Parameter("to")} AS DATE)";
        return $"""
            SELECT kpi_id, period_start, period_end, target, actual, pct_achieved, projected, status, days_elapsed, days_total
            FROM mart.kpi_target_progress
            WHERE segment_type = 'all' AND period_start <= {to} AND period_end >= {to}
              AND status NOT IN ('unsupported kpi', 'unknown segment')
            ORDER BY kpi_id, period_start, period_end
            """;
    }

    /// <summary>
    /// Anomalies from <c>$from</c> to <c>$to</c> (inclusive): date, segment_type, segment, kpi_id, kpi_name, unit, value,
    /// baseline_median, lower_bound, upper_bound, robust_z, direction, assessment.
    /// </summary>
    public static string Anomalies(SqlDialect dialect)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        return AnomalyColumns + $" WHERE date BETWEEN CAST({dialect.Parameter("from")} AS DATE) AND CAST({dialect.Parameter("to")} AS DATE)"
            + " ORDER BY date, abs(robust_z) DESC, kpi_id, segment";
    }

    /// <summary>Anomalies dated after <c>$after</c>, columns as <see cref="Anomalies"/>, strongest first within a day.</summary>
    public static string AnomaliesAfter(SqlDialect dialect)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        return AnomalyColumns + $" WHERE date > CAST({dialect.Parameter("after")} AS DATE) ORDER BY date, abs(robust_z) DESC, kpi_id, segment";
    }

    /// <summary>
    /// The KPIs dedicated views publish per calendar month for the whole business: the view, its query (columns
    /// period_start, period_complete, then one value per KPI, ordered by month) and the KPI of each value column.
    /// </summary>
    /// <remarks>
    /// Columns: period_start, period_complete, status, status_reason, then the values. A view not named in
    /// <paramref name="withStatus"/> (one made before it carried a status: see <see cref="MonthlyStatusViews"/>) gives
    /// NULL for both.
    /// </remarks>
    public static IReadOnlyList<(string View, string Sql, IReadOnlyList<string> Kpis)> MonthlyKpis(SqlDialect dialect, IReadOnlyCollection<string>? withStatus = null)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        string Status(string view) => withStatus?.Contains(view) == true ? "status, status_reason" : "NULL AS status, NULL AS status_reason";
        return
        [
            ("mart.kpi_trends", $"SELECT period_start, period_complete, {Status("kpi_trends")}, value FROM mart.kpi_trends WHERE grain = 'month' AND segment_type = 'all' AND kpi_id = 'sales_growth' ORDER BY period_start", ["sales_growth"]),
            ("mart.dashboard_executive", $"SELECT period_start, period_complete, {Status("dashboard_executive")}, ltv_historic, ltv_formula, ltv_to_cac FROM mart.dashboard_executive WHERE grain = 'month' AND {dialect.IsTrue("is_total")} ORDER BY period_start", ["ltv_historic", "ltv_formula", "ltv_to_cac"]),
            ("mart.customer_retention", $"SELECT period_start, period_complete, {Status("customer_retention")}, retention_rate, churn_rate, repeat_purchase_rate FROM mart.customer_retention WHERE grain = 'month' ORDER BY period_start", ["retention_rate", "churn_rate", "repeat_purchase_rate"]),
            ("mart.funnel_monthly", $"SELECT period_start, period_complete, {Status("funnel_monthly")}, lead_to_customer_rate FROM mart.funnel_monthly WHERE {dialect.IsTrue("is_total")} ORDER BY period_start", ["lead_to_customer_rate"]),
        ];
    }

    /// <summary>
    /// The views of <see cref="MonthlyKpis"/> that have both <c>status</c> and <c>status_reason</c> (each owner adds
    /// them in its own time; a published copy may predate them): TABLE_NAME.
    /// </summary>
    public const string MonthlyStatusViews =
        """
        SELECT TABLE_NAME FROM INFORMATION_SCHEMA.COLUMNS
        WHERE TABLE_SCHEMA = 'mart' AND COLUMN_NAME IN ('status', 'status_reason')
          AND TABLE_NAME IN ('kpi_trends', 'dashboard_executive', 'customer_retention', 'funnel_monthly')
        GROUP BY TABLE_NAME HAVING count(*) = 2
        """;

    /// <summary>
    /// Every query above with example parameters, so each engine's tests can run (DuckDB) or parse (T-SQL) all of
    /// them; a test checks that no public query is missing here.
    /// </summary>
    public static IReadOnlyList<(string Name, string Sql, IReadOnlyDictionary<string, object?> Parameters)> Examples(SqlDialect dialect)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        var day = new DateOnly(2026, 3, 1);
        var ids = new[] { "sessions", "ctr" };
        var none = new Dictionary<string, object?>();
        var range = new Dictionary<string, object?> { ["from"] = day, ["to"] = day.AddDays(30) };
        var selection = new Dictionary<string, object?>(range) { ["segment_type"] = "channel", ["grain"] = "week", ["segment"] = "email" };
        var examples = new List<(string, string, IReadOnlyDictionary<string, object?>)>
        {
            (nameof(KpiCatalog), KpiCatalog, none),
            (nameof(HasAnyMeasure), HasAnyMeasure, none),
            (nameof(ReportingCurrency), ReportingCurrency, none),
            (nameof(DailyDataThrough), DailyDataThrough, none),
            (nameof(DataThroughByPlatform), DataThroughByPlatform, none),
            (nameof(StreamStatus), StreamStatus, none),
            (nameof(LatestAnomalyDate), LatestAnomalyDate, none),
            (nameof(CountMartObjects), CountMartObjects(dialect, ReportViews), none),
            (nameof(KpiValues), KpiValues(dialect, ids, total: false, oneSegment: true), selection),
            (nameof(KpiValues) + " total", KpiValues(dialect, ids, total: true, oneSegment: false), selection),
            (nameof(KpiSegments), KpiSegments(dialect, ids, total: false), selection),
            (nameof(KpiSegments) + " total", KpiSegments(dialect, ids, total: true), selection),
            (nameof(KpiPublishedAt), KpiPublishedAt(ids), none),
            (nameof(RangeValues), RangeValues(dialect), range),
            (nameof(Series), Series(dialect), new Dictionary<string, object?>(range) { ["grain"] = "day" }),
            (nameof(MonthValues), MonthValues(dialect, ["revenue", "roi"]), range),
            (nameof(CountStatusColumns), CountStatusColumns, none),
            (nameof(HasFxMissing), HasFxMissing, none),
            (nameof(FxMissing), FxMissing, none),
            (nameof(Targets), Targets(dialect), range),
            (nameof(Anomalies), Anomalies(dialect), range),
            (nameof(AnomaliesAfter), AnomaliesAfter(dialect), new Dictionary<string, object?> { ["after"] = day }),
        };
        examples.AddRange(MonthlyKpis(dialect).Select(m => (nameof(MonthlyKpis) + " " + m.View, m.Sql, (IReadOnlyDictionary<string, object?>)none)));
        examples.Add((nameof(MonthlyStatusViews), MonthlyStatusViews, none));
        return examples;
    }

    private const string AnomalyColumns =
        """
        SELECT date, segment_type, segment, kpi_id, kpi_name, unit, value, baseline_median, lower_bound, upper_bound,
               robust_z, direction, assessment
        FROM mart.kpi_anomalies
        """;

    private static string Selection(SqlDialect dialect, IReadOnlyList<string> kpiIds, bool total, bool oneSegment, string columns)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        string P(string name) => dialect.Parameter(name);
        // A total comes from the range function (any range, summed once); other grains from the view, every period
        // that overlaps the range.
        var sql = total
            ? $"SELECT {columns} FROM (SELECT r.*, 'total' AS grain FROM {dialect.KpiOverRange("from", "to")} AS r) AS v WHERE 1 = 1"
            : $"SELECT {columns} FROM mart.kpi_values AS v WHERE grain = {P("grain")} AND period_start <= CAST({P("to")} AS DATE) AND period_end >= CAST({P("from")} AS DATE)";
        sql += $" AND segment_type = {P("segment_type")} AND kpi_id IN ({InList(kpiIds)})";
        if (oneSegment)
        {
            sql += $" AND lower(segment) = lower({P("segment")})";
        }

        return sql;
    }

    // Ids come from mart.kpi_catalog, never straight from the command line; quoted all the same.
    private static string InList(IEnumerable<string> values) =>
        string.Join(", ", values.Select(v => "'" + v.Replace("'", "''", StringComparison.Ordinal) + "'"));
}
