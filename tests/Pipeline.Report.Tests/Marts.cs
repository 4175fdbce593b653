using System.Globalization;
using DuckDB.NET.Data;

namespace Pipeline.Report.Tests;

/// <summary>Reads the demo warehouse's marts directly, to compare the report's numbers with them.</summary>
internal static class Marts
{
    public static async Task<List<object?[]>> QueryAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new DuckDBConnection($"Data Source={ReportFixture.WarehousePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(new DuckDBParameter(name, value));
        }

        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    /// <summary>Whole-business values of every KPI over a range, as mart.kpi_over_range computes them.</summary>
    public static async Task<Dictionary<string, double?>> OverRangeAsync(DateOnly from, DateOnly to)
    {
        var rows = await QueryAsync(
            "SELECT kpi_id, value FROM mart.kpi_over_range(CAST($from AS DATE), CAST($to AS DATE)) WHERE segment_type = 'all'",
            ("from", from), ("to", to));
        return rows.ToDictionary(r => (string)r[0]!, r => r[1] is null ? null : (double?)Convert.ToDouble(r[1], CultureInfo.InvariantCulture), StringComparer.Ordinal);
    }
}
