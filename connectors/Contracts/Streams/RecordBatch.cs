namespace Pipeline.Connectors.Streams;

/// <summary>
/// One page of a stream as it arrived: rows whose values follow <see cref="StreamDescriptor.Fields"/> in order
/// (typed per <see cref="FieldTypeExtensions.ClrType"/>), and records the connector could not map.
/// </summary>
public sealed class RecordBatch
{
    /// <summary>
    /// Rows a connector puts in one batch at most: larger pages are handed on in slices of this size, so what waits
    /// between reading and loading is bounded in rows (read-ahead counts rows) whatever page size an API uses.
    /// </summary>
    public const int MaxRows = 5_000;

    public RecordBatch(IReadOnlyList<object?[]> rows, IReadOnlyList<RejectedRecord>? rejects = null)
    {
        Rows = rows;
        Rejects = rejects ?? [];
    }

    public IReadOnlyList<object?[]> Rows { get; }

    public IReadOnlyList<RejectedRecord> Rejects { get; }
}

/// <summary>A record kept out of staging, with why, and the raw payload so it can be inspected and replayed.</summary>
public sealed record RejectedRecord(string Reason, string Payload);
