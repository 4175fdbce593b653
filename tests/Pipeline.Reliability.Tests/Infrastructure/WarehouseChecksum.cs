using System.Text;
using Dapper;
using DuckDB.NET.Data;

namespace Pipeline.Reliability.Tests.Infrastructure;

/// <summary>Row count and an order-independent hash of one table or view, and how many of its rows hold an e-mail address.</summary>
internal sealed record ObjectChecksum(string Name, long Rows, string Hash, long EmailRows);

/// <summary>
/// Checksums of every staging table, every dw/mart view and table, the stream cursors and the rejects of a
/// DuckDB warehouse: <c>count(*)</c> and <c>sum(hash(row))</c> over the columns that do not depend on the run
/// (<c>_run_id</c>, <c>_loaded_at</c>). Doubles are hashed at 12 significant digits, because a view's floating
/// sum may differ in its last bit when the same rows were inserted in another order.
/// </summary>
internal static class WarehouseChecksum
{
    /// <summary>Columns that name the run or the moment a row was written, not what it holds.</summary>
    private static readonly HashSet<string> RunDependent = new(StringComparer.OrdinalIgnoreCase) { "_run_id", "_loaded_at" };

    /// <summary>etl tables compared by their run-independent columns only.</summary>
    private static readonly Dictionary<string, string[]> EtlColumns = new(StringComparer.Ordinal)
    {
        ["etl.sync_state"] = ["source", "stream", "account_id", "cursor_value"],
        ["etl.rejected_records"] = ["source", "stream", "account_id", "reason", "payload"],
    };

    /// <param name="marts">False skips the mart views (the slow part: they are views over what is compared anyway).</param>
    public static async Task<IReadOnlyDictionary<string, ObjectChecksum>> ComputeAsync(string databasePath, bool marts = true)
    {
        await using var connection = new DuckDBConnection($"Data Source={databasePath}");
        await connection.OpenAsync();
        var result = new SortedDictionary<string, ObjectChecksum>(StringComparer.Ordinal);
        foreach (var (name, columns) in await ObjectsAsync(connection))
        {
            if (!marts && name.StartsWith(MartPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            var row = await connection.QuerySingleAsync<(long Rows, string Hash, long EmailRows)>(
                $"SELECT count(*)::BIGINT, coalesce(sum(hash({string.Join(", ", columns.Select(HashTerm))})), 0)::VARCHAR, {EmailCount(columns)} FROM {name}",
                new { email = EmailPattern });
            result[name] = new ObjectChecksum(name, row.Rows, row.Hash, row.EmailRows);
        }

        return result;
    }

    /// <summary>Names of objects whose checksums differ (or exist on one side only), with a few differing rows each.</summary>
    public static async Task<IReadOnlyList<string>> CompareAsync(
        string expectedPath, IReadOnlyDictionary<string, ObjectChecksum> expected, string actualPath, IReadOnlyDictionary<string, ObjectChecksum> actual)
    {
        var report = new List<string>();
        foreach (var name in expected.Keys.Union(actual.Keys).Order(StringComparer.Ordinal))
        {
            if (!expected.TryGetValue(name, out var e) || !actual.TryGetValue(name, out var a))
            {
                report.Add($"{name}: only in the {(expected.ContainsKey(name) ? "reference" : "compared")} warehouse");
            }
            else if (e != a)
            {
                report.Add($"{name}: {e.Rows} rows in the reference, {a.Rows} compared; {await SampleDifferenceAsync(expectedPath, actualPath, name)}");
            }
        }

        return report;
    }

    public const string MartPrefix = "\"mart\".";

    public static long Rows(IReadOnlyDictionary<string, ObjectChecksum> checksums) => checksums.Values.Sum(c => c.Rows);

    private static async Task<List<(string Name, List<(string Column, string Type)> Columns)>> ObjectsAsync(DuckDBConnection connection, string? catalog = null)
    {
        var columns = (await connection.QueryAsync<(string Schema, string Table, string Column, string Type)>(
            """
            SELECT c.table_schema, c.table_name, c.column_name, c.data_type
            FROM information_schema.columns c
            WHERE c.table_catalog = coalesce($catalog, current_database()) AND c.table_schema IN ('staging', 'dw', 'mart', 'etl')
            ORDER BY c.table_schema, c.table_name, c.ordinal_position
            """,
            new { catalog })).ToList();
        var objects = new List<(string, List<(string, string)>)>();
        foreach (var group in columns.GroupBy(c => (c.Schema, c.Table)))
        {
            var name = $"{group.Key.Schema}.{group.Key.Table}";
            List<(string, string)> kept;
            if (group.Key.Schema == "etl")
            {
                if (!EtlColumns.TryGetValue(name, out var wanted))
                {
                    continue;
                }

                kept = [.. group.Where(c => wanted.Contains(c.Column)).Select(c => (c.Column, c.Type))];
            }
            else
            {
                kept = [.. group.Where(c => !RunDependent.Contains(c.Column)).Select(c => (c.Column, c.Type))];
            }

            objects.Add(($"{Quote(group.Key.Schema)}.{Quote(group.Key.Table)}", kept));
        }

        return objects;
    }

    /// <summary>Something@domain.tld anywhere in a value (what a raw address looks like in text or JSON).</summary>
    public const string EmailPattern = @"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}";

    /// <summary>Rows where any column that can hold text (also inside lists, structs, JSON) matches <see cref="EmailPattern"/>.</summary>
    private static string EmailCount(List<(string Column, string Type)> columns)
    {
        var text = columns.Where(c => !IsNumberOrTime(c.Type)).Select(c => $"regexp_matches(CAST({Quote(c.Column)} AS VARCHAR), $email)").ToList();
        return text.Count == 0 ? "0::BIGINT" : $"count(*) FILTER (WHERE {string.Join(" OR ", text)})::BIGINT";
    }

    private static bool IsNumberOrTime(string type) =>
        type is "BOOLEAN" or "TINYINT" or "SMALLINT" or "INTEGER" or "BIGINT" or "HUGEINT" or "UTINYINT" or "USMALLINT" or "UINTEGER" or "UBIGINT"
            or "DOUBLE" or "FLOAT" or "REAL" or "DATE" or "TIME" or "INTERVAL" or "UUID"
        || type.StartsWith("DECIMAL", StringComparison.Ordinal) || type.StartsWith("TIMESTAMP", StringComparison.Ordinal);

    private static string HashTerm((string Column, string Type) c) =>
        c.Type is "DOUBLE" or "FLOAT" or "REAL" ? $"printf('%.12g', {Quote(c.Column)})" : Quote(c.Column);

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>Up to three rows in one warehouse and not the other, each way (compared as text, without the run-dependent columns).</summary>
    private static async Task<string> SampleDifferenceAsync(string expectedPath, string actualPath, string name)
    {
        try
        {
            await using var connection = new DuckDBConnection("Data Source=:memory:");
            await connection.OpenAsync();
            await connection.ExecuteAsync($"ATTACH '{expectedPath.Replace("'", "''", StringComparison.Ordinal)}' AS reference (READ_ONLY)");
            await connection.ExecuteAsync($"ATTACH '{actualPath.Replace("'", "''", StringComparison.Ordinal)}' AS compared (READ_ONLY)");
            var objects = await ObjectsAsync(connection, "reference");
            var columns = objects.FirstOrDefault(o => o.Name == name).Columns;
            if (columns is null)
            {
                return "(no columns)";
            }

            // Each compared term under a plain alias: the outer row reads the aliases (a term such as printf(.., "revenue")
            // has no column "revenue" to bind outside the set operation).
            var select = string.Join(", ", columns.Select((c, i) => $"{HashTerm(c)} AS c{i}"));
            var aliases = string.Join(", ", columns.Select((_, i) => $"c{i}"));
            var text = new StringBuilder();
            foreach (var (from, to, label) in new[] { ("reference", "compared", "missing"), ("compared", "reference", "extra") })
            {
                var rows = await connection.QueryAsync<string>(
                    $"SELECT CAST(ROW({aliases}) AS VARCHAR) FROM (SELECT {select} FROM {from}.{name} EXCEPT ALL SELECT {select} FROM {to}.{name}) LIMIT 3");
                foreach (var r in rows)
                {
                    text.Append(label).Append(": ").Append(r).Append("; ");
                }
            }

            return text.Length == 0 ? "(same rows, different hash)" : text.ToString();
        }
        catch (DuckDBException ex)
        {
            return $"(could not sample: {ex.Message})";
        }
    }
}
