using Pipeline.Warehouse;
using Pipeline.Warehouse.Health;

namespace Pipeline.Etl.Alerts;

/// <summary>One row of <c>mart.source_health</c>: a stream's column on one day.</summary>
public sealed record SourceHealthDay(string Source, string Stream, string Column, DateOnly Day, long Rows, long Filled)
{
    public double FillRate => Rows == 0 ? 0 : (double)Filled / Rows;
}

/// <summary>Reads <c>mart.source_health</c>.</summary>
public interface ISourceHealthFeed
{
    /// <summary>Every row of the days from <c>latest day − <paramref name="days"/></c> on (nothing when the view is empty).</summary>
    Task<IReadOnlyList<SourceHealthDay>> ReadLatestAsync(int days, CancellationToken cancellationToken = default);
}

/// <summary><c>mart.source_health</c> of any engine, through its reader, in the SQL both engines share.</summary>
public sealed class MartSourceHealthFeed(IWarehouseReader reader) : ISourceHealthFeed
{
    private const string View = SourceHealthView.Schema + "." + SourceHealthView.Name;

    public async Task<IReadOnlyList<SourceHealthDay>> ReadLatestAsync(int days, CancellationToken cancellationToken = default)
    {
        var latest = await reader.QueryAsync($"SELECT MAX(day) FROM {View}", cancellationToken: cancellationToken);
        if (latest.Count == 0 || latest[0].DateOrNull(0) is not { } last)
        {
            return [];
        }

        var sql = $"SELECT source_name, stream_name, column_name, day, row_count, filled_rows FROM {View} WHERE day >= {reader.Dialect.Parameter("from")}";
        var rows = await reader.QueryAsync(sql, new Dictionary<string, object?> { ["from"] = last.AddDays(-days) }, cancellationToken);
        return rows.Select(r => new SourceHealthDay(r.Text(0), r.Text(1), r.Text(2), r.Date(3), Count(r, 4), Count(r, 5))).ToList();
    }

    private static long Count(SqlRow row, int i) => row.IsNull(i) ? 0 : row.Long(i);
}
