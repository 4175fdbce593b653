namespace Pipeline.Warehouse;

/// <summary>
/// The little that differs between DuckDB's and SQL Server's SQL for the read queries: how a parameter is written,
/// how a boolean column is tested, and how the range function is called and found. Everything else in
/// <see cref="MartQueries"/> is the shared subset (no LIMIT/TOP, no FILTER, no boolean literals, no date arithmetic).
/// </summary>
public abstract class SqlDialect
{
    /// <summary>Engine name, as <see cref="IWarehouseEngine.Name"/>.</summary>
    public abstract string Name { get; }

    /// <summary>A named parameter in query text: <c>$name</c> on DuckDB, <c>@name</c> on SQL Server.</summary>
    public abstract string Parameter(string name);

    /// <summary>Whether <paramref name="sql"/> refers to parameter <paramref name="name"/> (not merely to a longer name starting so).</summary>
    public bool Uses(string sql, string name)
    {
        ArgumentNullException.ThrowIfNull(sql);
        var token = Parameter(name);
        for (var at = sql.IndexOf(token, StringComparison.Ordinal); at >= 0; at = sql.IndexOf(token, at + 1, StringComparison.Ordinal))
        {
            var end = at + token.Length;
            if (end == sql.Length || !(char.IsLetterOrDigit(sql[end]) || sql[end] == '_'))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A boolean column as a condition: DuckDB has BOOLEAN, SQL Server a bit that must be compared with 1.</summary>
    public abstract string IsTrue(string column);

    /// <summary>
    /// <c>mart.kpi_over_range</c> called with two date parameters: a table macro on DuckDB, an inline table-valued
    /// function on SQL Server. Both take <c>mart.kpi_over_range(CAST(p AS DATE), CAST(p AS DATE))</c>.
    /// </summary>
    public string KpiOverRange(string fromParameter, string toParameter) =>
        $"mart.kpi_over_range(CAST({Parameter(fromParameter)} AS DATE), CAST({Parameter(toParameter)} AS DATE))";

    /// <summary>A scalar subquery counting the table functions/macros named <paramref name="name"/> in <paramref name="schema"/>.</summary>
    public abstract string CountRoutines(string schema, string name);
}
