using Pipeline.Connectors.Streams;

namespace Pipeline.Warehouse.DuckDb;

internal static class DuckDbTypes
{
    public static string ColumnType(FieldType type) => type switch
    {
        FieldType.String or FieldType.Json => "VARCHAR",
        FieldType.Int64 => "BIGINT",
        FieldType.Decimal => "DECIMAL(38,9)",
        FieldType.Double => "DOUBLE",
        FieldType.Boolean => "BOOLEAN",
        FieldType.Date => "DATE",
        FieldType.Timestamp => "TIMESTAMP",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown field type"),
    };

    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static string StagingTable(StreamDescriptor stream) => $"staging.{Quote(stream.TableName)}";
}
