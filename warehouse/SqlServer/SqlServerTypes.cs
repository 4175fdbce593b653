using Pipeline.Connectors.Streams;

namespace Pipeline.Warehouse.SqlServer;

/// <summary>
/// How stream fields become SQL Server columns. Strings are bounded where SQL Server needs a bound (index keys)
/// and where a report label cannot sensibly be longer; a value that does not fit is rejected with the reason by
/// the loader, never truncated.
/// </summary>
internal static class SqlServerTypes
{
    /// <summary>Length of <c>_account_id</c> (and of account ids a load accepts).</summary>
    public const int AccountIdLength = 128;

    /// <summary>Non-key strings of report streams: labels (channel, campaign, page path) stay far below this.</summary>
    public const int ReportStringLength = 4000;

    /// <summary>SQL Server's limit for the key of a clustered index, in bytes.</summary>
    private const int ClusteredKeyBytes = 900;

    public static string Quote(string identifier) => "[" + identifier.Replace("]", "]]", StringComparison.Ordinal) + "]";

    public static string StagingTable(StreamDescriptor stream) => "staging." + Quote(stream.TableName);

    /// <summary>True when the table is clustered on its key (entity and snapshot streams), false for columnstore report tables.</summary>
    public static bool HasClusteredKey(StreamDescriptor stream) => stream.Kind != StreamKind.Report;

    /// <summary>Column type of a field in the staging table and in the session load table.</summary>
    public static string ColumnType(StreamDescriptor stream, FieldDef field) => field.Type switch
    {
        FieldType.String => MaxLength(stream, field) is { } n ? $"nvarchar({n})" : "nvarchar(max)",
        FieldType.Json => "nvarchar(max)",
        FieldType.Int64 => "bigint",
        FieldType.Decimal => "decimal(38, 9)",
        FieldType.Double => "float",
        FieldType.Boolean => "bit",
        FieldType.Date => "date",
        // Microseconds, as DuckDB's TIMESTAMP, so cursors and values compare alike on both engines.
        FieldType.Timestamp => "datetime2(6)",
        _ => throw new ArgumentOutOfRangeException(nameof(field), field.Type, "unknown field type"),
    };

    /// <summary>The longest string the column holds, or null for nvarchar(max) and non-strings.</summary>
    public static int? MaxLength(StreamDescriptor stream, FieldDef field)
    {
        if (field.Type != FieldType.String)
        {
            return null;
        }

        if (HasClusteredKey(stream) && stream.PrimaryKey.Contains(field.Name))
        {
            return KeyStringLength(stream);
        }

        // Entity and snapshot rows carry free text (CRM properties, notes); report rows carry labels.
        return stream.Kind == StreamKind.Report ? ReportStringLength : null;
    }

    /// <summary>
    /// Length of each string key column of an entity or snapshot table: the 900-byte clustered key budget, less the
    /// account id and the fixed-size key columns, shared by the string key columns (two bytes per character).
    /// </summary>
    public static int KeyStringLength(StreamDescriptor stream)
    {
        var keys = stream.PrimaryKey.Select(stream.Field).ToList();
        var strings = keys.Count(k => k.Type == FieldType.String);
        if (strings == 0)
        {
            return ReportStringLength;
        }

        var fixedBytes = keys.Where(k => k.Type != FieldType.String).Sum(k => FixedBytes(k.Type));
        var budget = ClusteredKeyBytes - (2 * AccountIdLength) - fixedBytes;
        return Math.Clamp(budget / (2 * strings), 32, 400);
    }

    private static int FixedBytes(FieldType type) => type switch
    {
        FieldType.Int64 or FieldType.Double or FieldType.Timestamp => 8,
        FieldType.Decimal => 17,
        FieldType.Date => 3,
        FieldType.Boolean => 1,
        // JSON as a key is nonsense, but it must not break the arithmetic.
        _ => 450,
    };
}
