using System.Globalization;
using System.Numerics;

namespace Pipeline.Warehouse;

/// <summary>
/// One row of a read query. The engines hand out the same SQL types as different CLR types (DuckDB: DateOnly,
/// BigInteger for HUGEINT; SQL Server: DateTime for date, bool for bit), so the getters convert, and NULL is null.
/// </summary>
public sealed class SqlRow(IReadOnlyList<object?> values)
{
    public int Count => values.Count;

    /// <summary>Every row a reader returns, DBNull as null: the one way both engines turn a result into rows.</summary>
    public static async Task<IReadOnlyList<SqlRow>> ReadAllAsync(System.Data.Common.DbDataReader reader, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var rows = new List<SqlRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(new SqlRow(row));
        }

        return rows;
    }

    public object? this[int i] => values[i];

    public bool IsNull(int i) => values[i] is null;

    public string Text(int i) => TextOrNull(i) ?? "";

    public string? TextOrNull(int i) => values[i] is { } v ? Convert.ToString(v, CultureInfo.InvariantCulture) : null;

    public DateOnly Date(int i) => DateOrNull(i) ?? throw new InvalidOperationException($"column {i} is NULL where a date was expected");

    public DateOnly? DateOrNull(int i) => values[i] switch
    {
        null => null,
        DateOnly d => d,
        DateTime t => DateOnly.FromDateTime(t),
        DateTimeOffset o => DateOnly.FromDateTime(o.DateTime),
        var other => DateOnly.FromDateTime(Convert.ToDateTime(other, CultureInfo.InvariantCulture)),
    };

    public DateTime? Timestamp(int i) => values[i] switch
    {
        null => null,
        DateTime t => t,
        DateTimeOffset o => o.UtcDateTime,
        var other => Convert.ToDateTime(other, CultureInfo.InvariantCulture),
    };

    public bool Bool(int i) => values[i] is { } v && Convert.ToBoolean(v, CultureInfo.InvariantCulture);

    public long Long(int i) => values[i] switch
    {
        null => 0,
        BigInteger b => (long)b,
        var other => Convert.ToInt64(other, CultureInfo.InvariantCulture),
    };

    /// <summary>A number as a double; NULL, NaN and infinities (a division by zero DuckDB lets through) are null.</summary>
    public double? Double(int i)
    {
        double? value = values[i] switch
        {
            null => null,
            double x => x,
            float x => x,
            decimal d => (double)d,
            BigInteger b => (double)b,
            var other => Convert.ToDouble(other, CultureInfo.InvariantCulture),
        };
        return value is { } v && double.IsFinite(v) ? v : null;
    }

    /// <summary>A number as a decimal (numerators and denominators are DECIMAL(38,9) in the marts).</summary>
    public decimal? Decimal(int i) => values[i] switch
    {
        null => null,
        decimal d => d,
        double x when double.IsFinite(x) => (decimal)x,
        double => null,
        float x => (decimal)x,
        BigInteger b => (decimal)b,
        var other => Convert.ToDecimal(other, CultureInfo.InvariantCulture),
    };
}
