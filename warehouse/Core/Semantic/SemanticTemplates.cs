using System.Text.RegularExpressions;
using Pipeline.Warehouse.Kpi;

namespace Pipeline.Warehouse.Semantic;

/// <summary>
/// The few expressions of the semantic layer that are not dialect but were written once per engine, expanded from
/// placeholders in the .sql files through the engine's <see cref="SemanticDialect"/>, with every KPI and measure
/// checked against <see cref="KpiCatalog"/>:
/// <list type="bullet">
/// <item><c>{{kpi_pivot: revenue, ctr.numerator AS link_clicks}}</c>: one column per KPI of a mart.kpi_values
/// row set, <c>max(value)</c> (or the named column) of the rows with that kpi_id, named after the KPI unless AS says;</item>
/// <item><c>{{measure_pivot(m): won_revenue AS won_revenue_12m}}</c>: the same for mart.kpi_measures, <c>sum(m.value)</c> by measure;</item>
/// <item><c>{{kpi_value(r.numerator, r.denominator)}}</c>: the KPI from its summed numerator and denominator and
/// the catalog row <c>k</c> (mart.kpi_catalog): scale × numerator / denominator, 1 − that for complements, the
/// scaled numerator for sums; an optional third argument replaces the "is a sum" condition;</item>
/// <item><c>{{segment_label(channel)}}</c>: a segment label compared alike on both engines (<see cref="SemanticDialect.SegmentLabel"/>);</item>
/// <item><c>{{refresh_from}}</c>, <c>{{refresh_from(15)}}</c>: the first day a range refresh recomputes (months
/// earlier), the first representable day otherwise (<see cref="SemanticDialect.RefreshFrom"/>);</item>
/// <item><c>{{context_refreshed}}</c>: true while a refresh has recomputed mart.kpi_measure_context in its
/// transaction, so a definition can read that table (<see cref="SemanticDialect.ContextRefreshed"/>);</item>
/// <item><c>{{context_table(mart.kpi_context_daily): date, channel}}</c>: what the context reads of a dw view kept as a mart
/// table, the table while the refresh has it current (<see cref="SemanticDialect.ContextTable"/>);</item>
/// <item><c>{{float}}</c>, <c>{{flag(condition)}}</c>, <c>{{is_false(column)}}</c>, <c>{{reporting_date(utc)}}</c>,
/// <c>{{concat(a, ' / ', b)}}</c>, <c>{{all_true(column)}}</c>, <c>{{ordered_list(column)}}</c>, <c>{{url_param(url, name)}}</c>, <c>{{reason_list(column)}}</c>, <c>{{join_reason_parts(column)}}</c>: the
/// small type and function differences that otherwise keep a view from being written once (warehouse/Semantic).</item>
/// </list>
/// </summary>
public static partial class SemanticTemplates
{
    public static string Expand(string sql, SemanticDialect dialect, string where)
    {
        ArgumentNullException.ThrowIfNull(sql);
        ArgumentNullException.ThrowIfNull(dialect);
        return Placeholder().Replace(sql, match =>
        {
            var indent = new string(' ', match.Index - (sql.LastIndexOf('\n', match.Index) + 1));
            var name = match.Groups["name"].Value;
            var argument = match.Groups["args"].Success ? match.Groups["args"].Value.Trim() : null;
            var items = match.Groups["items"].Success ? match.Groups["items"].Value : "";
            return name switch
            {
                "kpi_pivot" => Pivot(dialect, "max", Qualified(argument, "kpi_id"), items, argument, id => KpiCatalog.All.Any(k => k.Id == id), indent, where),
                "measure_pivot" => Pivot(dialect, "sum", Qualified(argument, "measure"), items, argument, KpiCatalog.BaseMeasures.ContainsKey, indent, where),
                "float" => dialect.Float,
                "flag" => dialect.Flag(argument ?? throw Error(where, "flag needs (condition)")),
                "is_false" => dialect.IsFalse(argument ?? throw Error(where, "is_false needs (column)")),
                "reporting_date" => dialect.ReportingDate(argument ?? throw Error(where, "reporting_date needs (utc timestamp)")),
                "all_true" => dialect.AllTrue(argument ?? throw Error(where, "all_true needs (column)")),
                "ordered_list" => dialect.OrderedList(argument ?? throw Error(where, "ordered_list needs (column)")),
                "reason_list" => dialect.ReasonList(argument ?? throw Error(where, "reason_list needs (column)")),
                "join_reason_parts" => dialect.JoinReasonParts(argument ?? throw Error(where, "join_reason_parts needs (column)")),
                "concat" => Concat(dialect, argument ?? throw Error(where, "concat needs (part, part[, …])"), where),
                "segment_label" => dialect.SegmentLabel(argument ?? throw Error(where, "segment_label needs (column)")),
                "refresh_from" => dialect.RefreshFrom(Months(argument, where)),
                "refresh_first_day" => dialect.RefreshFirstDay,
                "context_refreshed" => dialect.ContextRefreshed,
                "context_table" => ContextTable(dialect, argument, items, where),
                "url_param" => UrlParameter(dialect, argument ?? throw Error(where, "url_param needs (url, name)"), where),
                "kpi_value" => KpiValue(dialect, argument ?? throw Error(where, "kpi_value needs (numerator, denominator[, is-a-sum condition])"), indent, where),
                _ => throw Error(where, $"unknown placeholder {{{{{name}}}}} (kpi_pivot, measure_pivot, kpi_value, segment_label, refresh_from, refresh_first_day, context_refreshed, context_table, float, flag, is_false, reporting_date, concat, all_true, ordered_list, url_param, reason_list, join_reason_parts)"),
            };
        });
    }

    // The table is named with its schema so the layer's dependency order, read from the unexpanded SQL, sees it.
    private static string ContextTable(SemanticDialect dialect, string? table, string items, string where)
    {
        var columns = string.Join(", ", items.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        return table is not null && table.StartsWith("mart.", StringComparison.Ordinal) && table.Length > 5
               && table[5..].All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_') && columns.Length > 0
            ? dialect.ContextTable(table[5..], columns)
            : throw Error(where, "context_table needs (mart.table): column, column, …");
    }

    private static int Months(string? argument, string where) =>
        argument is null ? 0
        : int.TryParse(argument, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var months) ? months
        : throw Error(where, $"refresh_from takes a number of months, not '{argument}'");

    private static string Pivot(SemanticDialect dialect, string aggregate, string keyColumn, string items, string? alias,
        Func<string, bool> known, string indent, string where)
    {
        var columns = new List<string>();
        foreach (var item in items.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = item.Split(" AS ", 2, StringSplitOptions.TrimEntries);
            var source = parts[0].Split('.', 2);
            var key = source[0];
            if (!known(key))
            {
                throw Error(where, $"'{key}' is not in the KPI catalog");
            }

            var column = Qualified(alias, source.Length > 1 ? source[1] : "value");
            columns.Add($"{dialect.Pivot(aggregate, column, keyColumn, key)} AS {(parts.Length > 1 ? parts[1] : key)}");
        }

        return string.Join(",\n" + indent, columns);
    }

    private static string KpiValue(SemanticDialect dialect, string arguments, string indent, string where)
    {
        var args = arguments.Split(',', 3, StringSplitOptions.TrimEntries);
        if (args.Length < 2)
        {
            throw Error(where, "kpi_value needs (numerator, denominator[, is-a-sum condition])");
        }

        var (numerator, denominator) = (dialect.AsFloat(args[0]), dialect.AsFloat(args[1]));
        var isSum = args.Length > 2 ? args[2] : "k.denominator IS NULL";
        return string.Join("\n" + indent,
            "CAST(CASE",
            $"    WHEN {isSum} THEN {numerator} * k.scale",
            $"    WHEN {dialect.IsTrue("k.complement")} THEN k.scale * (1 - {numerator} / NULLIF({denominator}, 0))",
            $"    ELSE k.scale * {numerator} / NULLIF({denominator}, 0)",
            $"END AS {dialect.Float})");
    }

    // Parts are split at commas, so a part may not hold one (string literals in the views do not).
    private static string Concat(SemanticDialect dialect, string arguments, string where)
    {
        var parts = arguments.Split(',', StringSplitOptions.TrimEntries);
        return parts.Length >= 2 && parts.All(p => p.Length > 0)
            ? dialect.Concat(parts)
            : throw Error(where, "concat needs (part, part[, …])");
    }

    private static string UrlParameter(SemanticDialect dialect, string arguments, string where)
    {
        var args = arguments.Split(',', StringSplitOptions.TrimEntries);
        return args.Length == 2 && args[0].Length > 0 && args[1].Length > 0 && args[1].All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
            ? dialect.UrlParameter(args[0], args[1])
            : throw Error(where, "url_param needs (url, name) with a name of letters, digits and _");
    }

    private static string Qualified(string? alias, string column) => string.IsNullOrEmpty(alias) ? column : alias + "." + column;

    private static InvalidOperationException Error(string where, string message) => new($"{where}: {message}");

    [GeneratedRegex(@"\{\{(?<name>\w+)(?:\((?<args>.*?)\))?(?::(?<items>[^}]*))?\}\}", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}
