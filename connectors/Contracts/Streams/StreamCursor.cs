using System.Globalization;

namespace Pipeline.Connectors.Streams;

/// <summary>
/// A stream's committed cursor: its canonical text (what <c>etl.sync_state.cursor_value</c> holds on every engine),
/// its typed value, the order between two cursors and the rule by which a load moves it. The one place that knows
/// the format: loaders write it, connectors and the window planner read it.
/// </summary>
/// <remarks>
/// Canonical text per field type, byte-identical to what the loaders stored before this type existed (existing
/// warehouses resume from it): Date <c>yyyy-MM-dd</c>; Timestamp UTC <c>yyyy-MM-ddTHH:mm:ss.ffffffZ</c>; Int64,
/// Decimal and Double invariant; String and Json as they are. Dates and timestamps are fixed-width, numbers are
/// compared as numbers (text order would put "10" before "9").
/// </remarks>
public sealed class StreamCursor : IComparable<StreamCursor>
{
    private const string DateFormat = "yyyy-MM-dd";
    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    // Stored timestamps are canonical; ISO 8601 with an offset or fewer fraction digits is read too (a hand-set cursor).
    private static readonly string[] TimestampFormats =
        ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", "yyyy-MM-dd'T'HH:mm:ssK"];

    private StreamCursor(FieldType type, string text, object value)
    {
        Type = type;
        Text = text;
        Value = value;
    }

    public FieldType Type { get; }

    /// <summary>The canonical text, as stored.</summary>
    public string Text { get; }

    /// <summary>The typed value: <see cref="DateOnly"/>, UTC <see cref="DateTime"/>, long, decimal, double, bool or string.</summary>
    public object Value { get; }

    /// <summary>The cursor of a stream's cursor field from a value read out of an engine (a <c>max()</c> of the load).</summary>
    public static StreamCursor FromValue(StreamDescriptor stream, object value)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(value);
        var type = CursorType(stream);
        object typed = type switch
        {
            FieldType.Date => value is DateOnly d ? d : DateOnly.FromDateTime((DateTime)value),
            FieldType.Timestamp => DateTime.SpecifyKind((DateTime)value, DateTimeKind.Utc),
            FieldType.Int64 => Convert.ToInt64(value, CultureInfo.InvariantCulture),
            FieldType.Decimal => Convert.ToDecimal(value, CultureInfo.InvariantCulture),
            FieldType.Double => Convert.ToDouble(value, CultureInfo.InvariantCulture),
            FieldType.Boolean => Convert.ToBoolean(value, CultureInfo.InvariantCulture),
            _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
        };
        return new StreamCursor(type, Format(type, typed), typed);
    }

    /// <summary>The report cursor a window reaches: its last day.</summary>
    public static StreamCursor FromDay(DateOnly day) => new(FieldType.Date, Format(FieldType.Date, day), day);

    /// <summary>A stored cursor of the stream, or null when none is stored; bad text throws naming the stream and the value.</summary>
    public static StreamCursor? Parse(StreamDescriptor stream, string? text)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var type = CursorType(stream);
        var value = TryParse(type, text) ?? throw new FormatException(
            $"{stream.Source}.{stream.Name}: stored cursor '{text}' is not a {Describe(type)}; reset the stream's state or correct etl.sync_state");
        return new StreamCursor(type, text, value);
    }

    /// <summary>The day of a Date cursor.</summary>
    public DateOnly AsDate() => Value is DateOnly day ? day : throw new InvalidOperationException($"cursor '{Text}' is a {Type}, not a date");

    /// <summary>The instant of a Timestamp cursor, in UTC.</summary>
    public DateTimeOffset AsTimestamp() =>
        Value is DateTime t ? new DateTimeOffset(t, TimeSpan.Zero) : throw new InvalidOperationException($"cursor '{Text}' is a {Type}, not a timestamp");

    /// <summary>
    /// The cursor a committed load leaves. Report: the window's last day, never backwards (a backfill of older days
    /// keeps the later cursor). Entity: the highest value seen, never backwards, unchanged when the load had no rows.
    /// Snapshot: the load replaced everything, so its own highest value, or none when it had no rows (the next read
    /// starts over).
    /// </summary>
    /// <param name="previous">The stored cursor before the load (parsed with <see cref="Parse"/>).</param>
    /// <param name="windowTo">A report window's last day.</param>
    /// <param name="loadMax">The highest cursor-field value among the load's accepted rows, or null when it had none.</param>
    public static StreamCursor? Advance(StreamDescriptor stream, StreamCursor? previous, DateOnly? windowTo, object? loadMax)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var candidate = stream.Kind == StreamKind.Report
            ? FromDay(windowTo ?? throw new ArgumentException($"{stream.Source}.{stream.Name}: a report load needs its window's last day", nameof(windowTo)))
            : loadMax is null or DBNull ? null : FromValue(stream, loadMax);
        if (stream.Kind == StreamKind.Snapshot)
        {
            return candidate;
        }

        if (candidate is null || previous is null)
        {
            return candidate ?? previous;
        }

        return candidate.CompareTo(previous) > 0 ? candidate : previous;
    }

    /// <summary>Typed order; cursors of different types do not compare.</summary>
    public int CompareTo(StreamCursor? other)
    {
        if (other is null)
        {
            return 1;
        }

        if (other.Type != Type)
        {
            throw new InvalidOperationException($"cursor '{Text}' ({Type}) cannot be compared with '{other.Text}' ({other.Type})");
        }

        return Value switch
        {
            DateOnly d => d.CompareTo((DateOnly)other.Value),
            DateTime t => t.CompareTo((DateTime)other.Value),
            long l => l.CompareTo((long)other.Value),
            decimal m => m.CompareTo((decimal)other.Value),
            double x => x.CompareTo((double)other.Value),
            bool b => b.CompareTo((bool)other.Value),
            _ => string.CompareOrdinal((string)Value, (string)other.Value),
        };
    }

    public override string ToString() => Text;

    private static FieldType CursorType(StreamDescriptor stream) => stream.Field(stream.CursorField).Type;

    private static string Format(FieldType type, object value) => type switch
    {
        FieldType.Date => ((DateOnly)value).ToString(DateFormat, CultureInfo.InvariantCulture),
        FieldType.Timestamp => ((DateTime)value).ToString(TimestampFormat, CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    private static object? TryParse(FieldType type, string text) => type switch
    {
        FieldType.Date => DateOnly.TryParseExact(text, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null,
        FieldType.Timestamp => DateTimeOffset.TryParseExact(text, TimestampFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t.UtcDateTime
            : null,
        FieldType.Int64 => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) ? l : null,
        // Float style: a decimal or double written by either engine may carry an exponent ("1E-05"), never a thousands separator.
        FieldType.Decimal => decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var m) ? m : null,
        FieldType.Double => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) ? x : null,
        FieldType.Boolean => bool.TryParse(text, out var b) ? b : null,
        _ => text,
    };

    private static string Describe(FieldType type) => type switch
    {
        FieldType.Date => "yyyy-MM-dd day",
        FieldType.Timestamp => "UTC timestamp (yyyy-MM-ddTHH:mm:ss.ffffffZ)",
        FieldType.Int64 => "whole number",
        FieldType.Decimal or FieldType.Double => "number",
        FieldType.Boolean => "true/false",
        _ => "text",
    };
}
