using System.Globalization;
using System.Text.Json;
using Pipeline.Connectors.Privacy;
using Pipeline.Connectors.Streams;

namespace Pipeline.Warehouse;

/// <summary>
/// The load contract every engine applies to a row before staging it: which rows are rejected and why, and how a
/// rejected row is kept (as JSON, addresses hashed). Engines add only what their own column types refuse.
/// </summary>
public static class StagingRows
{
    /// <summary>Why a row cannot be loaded, or null. Type mismatches are connector bugs, but one bad row must not sink a window.</summary>
    public static string? Problem(StreamDescriptor stream, LoadWindow window, object?[] row, int[] keyIndexes, int cursorIndex)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(keyIndexes);
        if (row.Length != stream.Fields.Count)
        {
            return string.Create(CultureInfo.InvariantCulture, $"row has {row.Length} values, stream has {stream.Fields.Count} fields");
        }

        for (var i = 0; i < row.Length; i++)
        {
            var field = stream.Fields[i];
            if (row[i] is null)
            {
                if (!field.Nullable)
                {
                    return $"required field '{field.Name}' is missing";
                }

                continue;
            }

            var expected = field.Type.ClrType();
            if (row[i]!.GetType() != expected)
            {
                return $"field '{field.Name}' is {row[i]!.GetType().Name}, expected {expected.Name}";
            }
        }

        foreach (var k in keyIndexes)
        {
            if (row[k] is null)
            {
                return $"primary key field '{stream.Fields[k].Name}' is missing";
            }
        }

        if (stream.Kind == StreamKind.Report && row[cursorIndex] is DateOnly day && (day < window.From || day > window.To))
        {
            return $"'{stream.CursorField}' {day:yyyy-MM-dd} is outside the window {window.From:yyyy-MM-dd}..{window.To:yyyy-MM-dd}";
        }

        return null;
    }

    /// <summary>
    /// A connector's reject as the warehouse keeps it: addresses in its reason and payload hashed (a caller other than
    /// the sync runner may load windows, so the loader does not rely on the runner having redacted them).
    /// </summary>
    public static RejectedRecord Redacted(RejectedRecord reject)
    {
        ArgumentNullException.ThrowIfNull(reject);
        return new RejectedRecord(EmailAddresses.Redact(reject.Reason)!, EmailAddresses.Redact(reject.Payload)!);
    }

    /// <summary>
    /// A rejected row as a JSON object by field name (extra values as <c>_extra_N</c>; NaN and infinities as text,
    /// which JSON cannot hold), with every e-mail address replaced by its hash.
    /// </summary>
    public static string Payload(StreamDescriptor stream, object?[] row)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(row);
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        for (var i = 0; i < row.Length; i++)
        {
            values[i < stream.Fields.Count ? stream.Fields[i].Name : $"_extra_{i}"] =
                row[i] is double d && !double.IsFinite(d) ? d.ToString(CultureInfo.InvariantCulture) : row[i];
        }

        return EmailAddresses.Redact(JsonSerializer.Serialize(values))!;
    }
}
