using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipeline.Connectors.Ga4;

/// <summary>
/// Reads and writes a GA4 row, <c>{"dimensionValues":[{"value":"…"}],"metricValues":[{"value":"…"}]}</c>, as
/// <see cref="ReportRow"/>. Unknown members (<c>oneValue</c>, future fields) are skipped; a cell without
/// <c>value</c> is null.
/// </summary>
internal sealed class ReportRowConverter : JsonConverter<ReportRow>
{
    public override ReportRow Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        TryRead(ref reader, out var row) ? row : throw new JsonException("incomplete report row");

    /// <summary>
    /// Reads the row the reader is on (its StartObject); false when the buffered bytes end inside it (see
    /// <see cref="Pipeline.Connectors.Http.StreamedJsonPage"/>, which then calls again from the row's start with more).
    /// </summary>
    public static bool TryRead(ref Utf8JsonReader reader, out ReportRow row)
    {
        row = null!;
        Expect(ref reader, JsonTokenType.StartObject, "a report row");
        // GA4 sends dimensionValues before metricValues; the other order is read into a second writer and appended.
        var dimensions = ReportRowWriter.Rent();
        ReportRowWriter? metricsFirst = null;
        var dimensionCount = 0;
        var sawDimensions = false;
        while (true)
        {
            if (!reader.Read())
            {
                return Abandon(dimensions, metricsFirst);
            }

            if (reader.TokenType == JsonTokenType.EndObject)
            {
                break;
            }

            Expect(ref reader, JsonTokenType.PropertyName, "a row member");
            var member = reader.ValueTextEquals("dimensionValues"u8) ? 1 : reader.ValueTextEquals("metricValues"u8) ? 2 : 0;
            if (!reader.Read())
            {
                return Abandon(dimensions, metricsFirst);
            }

            var complete = member switch
            {
                1 => ReadCells(ref reader, dimensions, out dimensionCount),
                2 when sawDimensions => ReadCells(ref reader, dimensions, out _),
                2 => ReadCells(ref reader, metricsFirst = ReportRowWriter.Rent(), out _),
                _ => reader.TrySkip(),
            };
            if (!complete)
            {
                return Abandon(dimensions, metricsFirst);
            }

            sawDimensions |= member == 1;
        }

        if (metricsFirst is not null)
        {
            // Rare (not GA4's order): rebuild through strings, simplest to get right.
            var metrics = new ReportRow(metricsFirst.ToArray(), 0).MetricValues;
            var dims = new ReportRow(dimensions.ToArray(), dimensionCount).DimensionValues;
            row = new ReportRow(dims, metrics);
            return true;
        }

        row = new ReportRow(dimensions.ToArray(), dimensionCount);
        return true;
    }

    public override void Write(Utf8JsonWriter writer, ReportRow value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        WriteCells(writer, "dimensionValues", value.DimensionValues);
        WriteCells(writer, "metricValues", value.MetricValues);
        writer.WriteEndObject();
    }

    /// <summary>
    /// [{"value": "…"}, …] (or null) → the values, appended to <paramref name="row"/>; <paramref name="count"/> says how
    /// many. False when the bytes end first.
    /// </summary>
    private static bool ReadCells(ref Utf8JsonReader reader, ReportRowWriter row, out int count)
    {
        count = 0;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        Expect(ref reader, JsonTokenType.StartArray, "an array of values");
        while (true)
        {
            if (!reader.Read())
            {
                return false;
            }

            if (reader.TokenType == JsonTokenType.EndArray)
            {
                return true;
            }

            Expect(ref reader, JsonTokenType.StartObject, "a value object");
            var found = false;
            while (true)
            {
                if (!reader.Read())
                {
                    return false;
                }

                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    break;
                }

                var isValue = reader.ValueTextEquals("value"u8);
                if (!reader.Read())
                {
                    return false;
                }

                if (isValue && reader.TokenType == JsonTokenType.String && !found)
                {
                    // Unescaped UTF-8 is never longer than the escaped token.
                    var room = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
                    row.Commit(reader.CopyString(row.Reserve(room)));
                    found = true;
                }
                else if (!reader.TrySkip())
                {
                    return false;
                }
            }

            if (!found)
            {
                row.AddNull();
            }

            count++;
        }
    }

    /// <summary>A row cut off by the end of the buffer: its writers go back to the thread for the next attempt.</summary>
    private static bool Abandon(ReportRowWriter dimensions, ReportRowWriter? metricsFirst)
    {
        metricsFirst?.Abandon();
        dimensions.Abandon();
        return false;
    }

    private static void WriteCells(Utf8JsonWriter writer, string name, IReadOnlyList<string?> cells)
    {
        writer.WriteStartArray(name);
        foreach (var cell in cells)
        {
            writer.WriteStartObject();
            writer.WriteString("value", cell);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string what)
    {
        if (reader.TokenType != type)
        {
            throw new JsonException($"expected {what}, found {reader.TokenType}");
        }
    }
}
