namespace Pipeline.Connectors.Streams;

/// <summary>
/// The logical types a stream field can have. Engines map each to a column type; connectors convert the
/// API's strings into the CLR type named here before a record leaves them.
/// </summary>
public enum FieldType
{
    /// <summary><see cref="string"/>.</summary>
    String,
    /// <summary><see cref="long"/>.</summary>
    Int64,
    /// <summary><see cref="decimal"/>: money and exact amounts.</summary>
    Decimal,
    /// <summary><see cref="double"/>: rates and averages as the API reports them.</summary>
    Double,
    /// <summary><see cref="bool"/>.</summary>
    Boolean,
    /// <summary><see cref="DateOnly"/>: report days in the account's own time zone.</summary>
    Date,
    /// <summary><see cref="DateTime"/> in UTC.</summary>
    Timestamp,
    /// <summary>A JSON document kept as text (raw arrays such as Meta's <c>actions</c>).</summary>
    Json,
}

public static class FieldTypeExtensions
{
    /// <summary>The CLR type a value of this field must have (nullable fields also accept null).</summary>
    public static Type ClrType(this FieldType type) => type switch
    {
        FieldType.String or FieldType.Json => typeof(string),
        FieldType.Int64 => typeof(long),
        FieldType.Decimal => typeof(decimal),
        FieldType.Double => typeof(double),
        FieldType.Boolean => typeof(bool),
        FieldType.Date => typeof(DateOnly),
        FieldType.Timestamp => typeof(DateTime),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown field type"),
    };
}
