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
    public override ReportRow Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        Expect(ref reader, JsonTokenType.StartObject, "a report row");
        // GA4 sends dimensionValues before metricValues; the other order is read into a second writer and appended.
        var dimensions = ReportRowWriter.Rent();
        ReportRowWriter? metricsFirst = null;
        var dimensionCount = 0;
        var sawDimensions = false;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            Expect(ref reader, JsonTokenType.PropertyName, "a row member");
            if (reader.ValueTextEquals("dimensionValues"u8))
            {
                reader.Read();
                dimensionCount = ReadCells(ref reader, dimensions);
                sawDimensions = true;
            }
            else if (reader.ValueTextEquals("metricValues"u8))
            {
                reader.Read();
                if (sawDimensions)
                {
                    ReadCells(ref reader, dimensions);
                }
                else
                {
                    metricsFirst = ReportRowWriter.Rent();
                    ReadCells(ref reader, metricsFirst);
                }
            }
            else
            {
                reader.Read();
                SkipValue(ref reader);
            }
        }

        if (metricsFirst is not null)
        {
            // Rare (not GA4's order): rebuild through strings, simplest to get right.
            var metrics = new ReportRow(metricsFirst.ToArray(), 0).MetricValues;
            var dims = new ReportRow(dimensions.ToArray(), dimensionCount).DimensionValues;
            return new ReportRow(dims, metrics);
        }

        return new ReportRow(dimensions.ToArray(), dimensionCount);
    }

    public override void Write(Utf8JsonWriter writer, ReportRow value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        WriteCells(writer, "dimensionValues", value.DimensionValues);
        WriteCells(writer, "metricValues", value.MetricValues);
        writer.WriteEndObject();
    }

    /// <summary>[{"value": "…"}, …] (or null) → the values, appended to <paramref name="row"/>; returns how many.</summary>
    private static int ReadCells(ref Utf8JsonReader reader, ReportRowWriter row)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return 0;
        }

        Expect(ref reader, JsonTokenType.StartArray, "an array of values");
        var count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            Expect(ref reader, JsonTokenType.StartObject, "a value object");
            var found = false;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var isValue = reader.ValueTextEquals("value"u8);
                reader.Read();
                if (isValue && reader.TokenType == JsonTokenType.String && !found)
                {
                    // Unescaped UTF-8 is never longer than the escaped token.
                    var room = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
                    row.Commit(reader.CopyString(row.Reserve(room)));
                    found = true;
                }
                else
                {
                    SkipValue(ref reader);
                }
            }

            if (!found)
            {
                row.AddNull();
            }

            count++;
        }

        return count;
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

    /// <summary>
    /// Skips the value the reader is on. A converter always has its whole value buffered, but the serializer reads a
    /// body larger than its buffer in blocks, and <see cref="Utf8JsonReader.Skip"/> refuses any reader whose block is
    /// not the last one; <see cref="Utf8JsonReader.TrySkip"/> does not.
    /// </summary>
    private static void SkipValue(ref Utf8JsonReader reader)
    {
        if (!reader.TrySkip())
        {
            throw new JsonException("incomplete JSON value");
        }
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string what)
    {
        if (reader.TokenType != type)
        {
            throw new JsonException($"expected {what}, found {reader.TokenType}");
        }
    }
}
