using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Pipeline.Connectors.Http;

/// <summary>
/// Reads one row of a page's row array from <paramref name="reader"/>, which is on the row's first token. Returns
/// false when the buffered bytes end inside the row: the page reader then rewinds to the row's start and calls again
/// with more bytes. Throws <see cref="JsonException"/> for a row that is not valid.
/// </summary>
public delegate bool TryReadJsonRow<TRow>(ref Utf8JsonReader reader, out TRow row);

/// <summary>
/// A page whose one large array (<see cref="Property"/>: GA4's <c>rows</c>, Meta's <c>data</c>) is read row by row by
/// <see cref="TryRead"/> while the body streams in; <see cref="Attach"/> puts the rows into the page that the rest of
/// the body deserializes to.
/// </summary>
public sealed class JsonRows<TPage, TRow>(string property, TryReadJsonRow<TRow> tryRead, Func<TPage, List<TRow>, TPage> attach)
{
    public string Property { get; } = property;

    public TryReadJsonRow<TRow> TryRead { get; } = tryRead;

    public Func<TPage, List<TRow>, TPage> Attach { get; } = attach;
}

/// <summary>
/// Parses a page's body once, while it arrives. <see cref="JsonSerializer.DeserializeAsync{TValue}(Stream, JsonTypeInfo{TValue}, CancellationToken)"/>
/// cannot hand a custom converter part of a value, so before each row's converter runs it scans the row to its end
/// (a second full tokenization of every row, 8 % of a GA4 sync's CPU). Here the row reader itself finds out that a row
/// is cut off by the end of the buffer; only such rows, one per buffer, are read again. The page's other members (a
/// few headers, counts and cursors) are copied as they are into a small document that the page type deserializes from.
/// </summary>
public static class StreamedJsonPage
{
    /// <summary>Bytes read from the body at a time; a single row or member larger than this grows the buffer.</summary>
    public const int DefaultBufferSize = 64 * 1024;

    public static async Task<TPage?> ReadAsync<TPage, TRow>(
        Stream body, JsonTypeInfo<TPage> typeInfo, JsonRows<TPage, TRow> rows, CancellationToken cancellationToken, int bufferSize = DefaultBufferSize)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(typeInfo);
        ArgumentNullException.ThrowIfNull(rows);
        var parser = new Parser<TRow>(System.Text.Encoding.UTF8.GetBytes(rows.Property), rows.TryRead);
        var buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
        try
        {
            var filled = 0;
            var final = false;
            while (!parser.Done)
            {
                if (filled == buffer.Length)
                {
                    Grow(ref buffer, filled);
                }

                var read = await body.ReadAsync(buffer.AsMemory(filled), cancellationToken);
                filled += read;
                final = read == 0;
                var consumed = parser.Parse(buffer.AsSpan(0, filled), final);
                if (final && !parser.Done)
                {
                    throw new JsonException($"the body ends inside the page ({filled - consumed} byte(s) of an unfinished value left)");
                }

                buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                filled -= consumed;
            }

            if (parser.IsNull)
            {
                return default;
            }

            TPage? page;
            try
            {
                page = JsonSerializer.Deserialize(parser.Members, typeInfo);
            }
            catch (JsonException e)
            {
                // Its line and byte would point into the copy of the members, not the body: drop them.
                throw new JsonException($"page members: {e.Message}", e.Path, null, null, e);
            }

            return page is null ? default : rows.Attach(page, parser.Rows);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void Grow(ref byte[] buffer, int filled)
    {
        var larger = ArrayPool<byte>.Shared.Rent(checked(buffer.Length * 2));
        buffer.AsSpan(0, filled).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        buffer = larger;
    }

    /// <summary>The page's state between buffers: where in the object it is, the rows so far, the other members copied.</summary>
    private sealed class Parser<TRow>(byte[] rowsProperty, TryReadJsonRow<TRow> tryRead)
    {
        private readonly ArrayBufferWriter<byte> members = new(256);
        private Utf8JsonWriter? membersWriter;
        private JsonReaderState state;
        private Phase phase;

        private enum Phase
        {
            Start,
            Members,
            Rows,
            Done,
        }

        public List<TRow> Rows { get; } = [];

        public bool Done => phase == Phase.Done;

        public bool IsNull { get; private set; }

        public ReadOnlySpan<byte> Members
        {
            get
            {
                membersWriter?.Flush();
                return members.WrittenSpan;
            }
        }

        private Utf8JsonWriter Writer => membersWriter ??= new Utf8JsonWriter(members);

        /// <summary>Reads as far as <paramref name="bytes"/> go; returns how many bytes are finished with.</summary>
        public int Parse(ReadOnlySpan<byte> bytes, bool final)
        {
            var reader = new Utf8JsonReader(bytes, final, state);
            while (phase != Phase.Done)
            {
                var before = reader;
                if (!Step(ref reader, bytes))
                {
                    reader = before;
                    break;
                }
            }

            state = reader.CurrentState;
            return checked((int)reader.BytesConsumed);
        }

        /// <summary>One token, row or member; false (the caller rewinds to before it) when the bytes end inside it.</summary>
        private bool Step(ref Utf8JsonReader reader, ReadOnlySpan<byte> bytes)
        {
            if (!reader.Read())
            {
                return false;
            }

            switch (phase)
            {
                case Phase.Start when reader.TokenType == JsonTokenType.Null:
                    IsNull = true;
                    phase = Phase.Done;
                    return true;
                case Phase.Start:
                    Expect(ref reader, JsonTokenType.StartObject, "the page object");
                    Writer.WriteStartObject();
                    phase = Phase.Members;
                    return true;
                case Phase.Members when reader.TokenType == JsonTokenType.EndObject:
                    Writer.WriteEndObject();
                    phase = Phase.Done;
                    return true;
                case Phase.Members:
                    return Member(ref reader, bytes);
                case Phase.Rows when reader.TokenType == JsonTokenType.EndArray:
                    phase = Phase.Members;
                    return true;
                default:
                    if (!tryRead(ref reader, out var row))
                    {
                        return false;
                    }

                    Rows.Add(row);
                    return true;
            }
        }

        /// <summary>A member of the page: the row array is entered; any other member is copied whole once it is buffered.</summary>
        private bool Member(ref Utf8JsonReader reader, ReadOnlySpan<byte> bytes)
        {
            Expect(ref reader, JsonTokenType.PropertyName, "a member name");
            if (reader.ValueTextEquals(rowsProperty))
            {
                if (!reader.Read())
                {
                    return false;
                }

                if (reader.TokenType != JsonTokenType.Null)
                {
                    Expect(ref reader, JsonTokenType.StartArray, "an array of rows");
                    phase = Phase.Rows;
                }

                return true;
            }

            var name = reader.GetString()!;
            if (!reader.Read())
            {
                return false;
            }

            // The value's own bytes, from its first token (a string's opening quote) to the end of its last.
            var start = checked((int)reader.TokenStartIndex);
            if (!reader.TrySkip())
            {
                return false;
            }

            Writer.WritePropertyName(name);
            Writer.WriteRawValue(bytes[start..checked((int)reader.BytesConsumed)], skipInputValidation: true);
            return true;
        }

        private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string what)
        {
            if (reader.TokenType != type)
            {
                throw new JsonException($"expected {what}, found {reader.TokenType}");
            }
        }
    }
}
