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
        IReadOnlyList<string?> dimensions = [], metrics = [];
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            Expect(ref reader, JsonTokenType.PropertyName, "a row member");
            if (reader.ValueTextEquals("dimensionValues"u8))
            {
                reader.Read();
                dimensions = ReadCells(ref reader);
            }
            else if (reader.ValueTextEquals("metricValues"u8))
            {
                reader.Read();
                metrics = ReadCells(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new ReportRow(dimensions, metrics);
    }

    public override void Write(Utf8JsonWriter writer, ReportRow value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        WriteCells(writer, "dimensionValues", value.DimensionValues);
        WriteCells(writer, "metricValues", value.MetricValues);
        writer.WriteEndObject();
    }

    /// <summary>[{"value": "…"}, …] (or null) → the values; a small list first, since a row has a handful of cells.</summary>
    private static string?[] ReadCells(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return [];
        }

        Expect(ref reader, JsonTokenType.StartArray, "an array of values");
        var cells = new List<string?>(8);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            Expect(ref reader, JsonTokenType.StartObject, "a value object");
            string? value = null;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var isValue = reader.ValueTextEquals("value"u8);
                reader.Read();
                if (isValue && reader.TokenType == JsonTokenType.String)
                {
                    value = reader.GetString();
                }
                else
                {
                    reader.Skip();
                }
            }

            cells.Add(value);
        }

        return [.. cells];
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
