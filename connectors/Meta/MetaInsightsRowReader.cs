using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Pipeline.Connectors.Strings;
using Pipeline.Connectors.Values;

namespace Pipeline.Connectors.Meta;

/// <summary>
/// One insights row as it came off the wire: typed values in the stream's field order, or why it was rejected and
/// its raw JSON.
/// </summary>
[JsonConverter(typeof(MetaInsightsRowWithoutLayout))]
public sealed class MetaInsightsRow
{
    internal MetaInsightsRow(object?[] values) => Values = values;

    internal MetaInsightsRow(string problem, string raw)
    {
        Problem = problem;
        Raw = raw;
    }

    /// <summary>The typed row (the stream's fields in order); null when rejected.</summary>
    public object?[]? Values { get; }

    /// <summary>Why the row was rejected; null when it was typed.</summary>
    public string? Problem { get; }

    /// <summary>The rejected row's JSON.</summary>
    public string? Raw { get; }
}

/// <summary>Rows are typed with their report's layout, which only <see cref="MetaInsightsRowReader"/> knows.</summary>
internal sealed class MetaInsightsRowWithoutLayout : JsonConverter<MetaInsightsRow>
{
    public override MetaInsightsRow Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("insights rows are read with their report's layout (MetaInsightsRowReader)");

    public override void Write(Utf8JsonWriter writer, MetaInsightsRow value, JsonSerializerOptions options) =>
        throw new NotSupportedException("insights rows are not written");
}

/// <summary>
/// Types insights rows straight from the response stream with <see cref="Utf8JsonReader"/>, while the page is being
/// read: no <see cref="JsonDocument"/> per row (its copy of the row's bytes and its token table), no
/// <see cref="JsonElement"/> lookups. The rules are those of reading each member's text: Meta sends numbers as
/// strings and either is accepted; a member that is neither (null, an object) counts as absent; a repeated member
/// counts once, the last. A row that does not type is rejected with its JSON and the first problem found in field
/// order (dates, texts, counts, frequency, spend, actions, action_values).
/// </summary>
/// <remarks>
/// One per insights read: it keeps one row's scratch and reads pages one after another (never concurrently).
/// The raw <c>actions</c>/<c>action_values</c> column is the array written back token by token: byte for byte
/// Meta's compact JSON (escapes kept), without whitespace a pretty-printed body might have had.
/// </remarks>
internal sealed class MetaInsightsRowReader
{
    private static readonly string[] ListNames = ["actions", "action_values"];

    // Reach is nearly always available: one immutable box, shared by every row (zero action values: SharedBoxes).
    private static readonly object ReachAvailable = false;

    private readonly MetaRowLayout layout;
    private readonly int fieldCount;

    // Per slot: where its text starts and ends in `text` (end < 0: absent or not a string/number).
    private readonly int[] starts;
    private readonly int[] ends;
    private byte[] text = new byte[4096];
    private int textLength;

    private readonly string?[] listProblems = new string?[2];
    private readonly bool[] listSeen = new bool[2];
    private byte[] raw = new byte[4096];
    private int rawLength;

    // One action entry's string/number members: name and value ranges in `entry`.
    private readonly List<(int NameStart, int NameEnd, int ValueStart, int ValueEnd)> members = new(8);
    private byte[] entry = new byte[512];
    private int entryLength;

    // The same ad, campaign, country… names repeat on every day's rows: one string each while rows wait to load.
    private readonly SharedStrings strings = new();

    public MetaInsightsRowReader(MetaRowLayout layout, int fieldCount)
    {
        this.layout = layout;
        this.fieldCount = fieldCount;
        starts = new int[layout.SlotCount];
        ends = new int[layout.SlotCount];
    }

    /// <summary>
    /// Types the row the reader is on; false when the buffered bytes end inside it (see
    /// <see cref="Pipeline.Connectors.Http.StreamedJsonPage"/>, which then calls again from the row's start with more).
    /// Every piece of scratch is reset at the start, so a row read again starts clean.
    /// </summary>
    public bool TryRead(ref Utf8JsonReader reader, out MetaInsightsRow row)
    {
        row = null!;
        var start = reader; // a rejected row's JSON is read again from here
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            if (!start.TrySkip())
            {
                return false;
            }

            row = new MetaInsightsRow("row is not a JSON object", RawText(ref reader));
            return true;
        }

        var values = new object?[fieldCount];
        Array.Fill(ends, -1);
        textLength = 0;
        Array.Clear(listSeen);
        Array.Clear(listProblems);
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

            var slot = SlotOf(ref reader);
            if (!reader.Read())
            {
                return false;
            }

            var complete = true;
            if (slot >= 0 && (slot == layout.ActionsSlot || slot == layout.ActionValuesSlot))
            {
                complete = ReadActions(ref reader, slot == layout.ActionsSlot ? 0 : 1, values);
            }
            else if (slot >= 0 && reader.TokenType is JsonTokenType.String or JsonTokenType.Number)
            {
                starts[slot] = textLength;
                ends[slot] = textLength = Append(ref reader, ref text, textLength);
            }
            else
            {
                if (slot >= 0)
                {
                    ends[slot] = -1;
                }

                complete = reader.TrySkip();
            }

            if (!complete)
            {
                return false;
            }
        }

        for (var list = 0; list < 2; list++)
        {
            if (!listSeen[list])
            {
                Zero(list, values);
            }
        }

        var problem = Fill(values);
        row = problem is null ? new MetaInsightsRow(values) : new MetaInsightsRow(problem, RawText(ref start));
        return true;
    }

    private static string RawText(ref Utf8JsonReader reader)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return document.RootElement.GetRawText();
    }

    /// <summary>The slot of the property name the reader is on, or -1 when this layout does not read it.</summary>
    private int SlotOf(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped || reader.HasValueSequence || reader.ValueSpan.Length > 64)
        {
            return layout.SlotOf(reader.GetString()!);
        }

        Span<char> name = stackalloc char[64];
        var length = Encoding.UTF8.GetChars(reader.ValueSpan, name);
        return layout.SlotOf(name[..length]);
    }

    /// <summary>Appends the string's unescaped bytes (or the number's text) at <paramref name="at"/>; returns the new end.</summary>
    private static int Append(ref Utf8JsonReader reader, ref byte[] buffer, int at)
    {
        var room = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        if (at + room > buffer.Length)
        {
            Array.Resize(ref buffer, Math.Max(buffer.Length * 2, at + room));
        }

        if (reader.TokenType == JsonTokenType.String)
        {
            return at + reader.CopyString(buffer.AsSpan(at));
        }

        if (reader.HasValueSequence)
        {
            System.Buffers.BuffersExtensions.CopyTo(reader.ValueSequence, buffer.AsSpan(at));
        }
        else
        {
            reader.ValueSpan.CopyTo(buffer.AsSpan(at));
        }

        return at + room;
    }

    private ReadOnlySpan<byte> Text(int slot) => ends[slot] < 0 ? default : text.AsSpan(starts[slot], ends[slot] - starts[slot]);

    private bool Has(int slot) => ends[slot] >= 0;

    private static string Quote(ReadOnlySpan<byte> utf8) => Encoding.UTF8.GetString(utf8);

    private string? Fill(object?[] values)
    {
        Span<char> chars = stackalloc char[16];
        foreach (var (slot, column, name) in (ReadOnlySpan<(int, int, string)>)[(layout.DateStartSlot, layout.DateStartColumn, "date_start"), (layout.DateStopSlot, layout.DateStopColumn, "date_stop")])
        {
            if (!Has(slot))
            {
                if (slot == layout.DateStartSlot)
                {
                    return "date_start is missing";
                }

                continue;
            }

            var utf8 = Text(slot);
            if (utf8.Length > chars.Length
                || !DateOnly.TryParseExact(chars[..Encoding.UTF8.GetChars(utf8, chars)], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                return $"{name} '{Quote(utf8)}' is not yyyy-MM-dd";
            }

            values[column] = SharedBoxes.Day(day);
        }

        values[layout.ReachUnavailableColumn] = ReachAvailable;

        foreach (var (slot, column, nullable, name) in layout.TextColumns)
        {
            if (!Has(slot))
            {
                if (!nullable)
                {
                    return $"{name} is missing";
                }

                continue;
            }

            values[column] = strings.Get(Text(slot));
        }

        foreach (var (slot, column, name) in layout.CountColumns)
        {
            if (!Has(slot))
            {
                continue;
            }

            var utf8 = Text(slot);
            if (long.TryParse(utf8, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l))
            {
                values[column] = SharedBoxes.Count(l);
            }
            else if (decimal.TryParse(utf8, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == decimal.Truncate(d))
            {
                values[column] = SharedBoxes.Count((long)d);
            }
            else
            {
                return $"{name} '{Quote(utf8)}' is not an integer";
            }
        }

        if (Has(layout.FrequencySlot))
        {
            var utf8 = Text(layout.FrequencySlot);
            if (!double.TryParse(utf8, NumberStyles.Float, CultureInfo.InvariantCulture, out var f) || !double.IsFinite(f))
            {
                return $"frequency '{Quote(utf8)}' is not a number";
            }

            values[layout.FrequencyColumn] = f;
        }

        if (Has(layout.SpendSlot))
        {
            var utf8 = Text(layout.SpendSlot);
            if (!decimal.TryParse(utf8, NumberStyles.Float, CultureInfo.InvariantCulture, out var money))
            {
                return $"spend '{Quote(utf8)}' is not a number";
            }

            values[layout.SpendColumn] = money;
        }

        return listProblems[0] ?? listProblems[1];
    }

    private void Zero(int list, object?[] values)
    {
        var (rawColumn, byType) = layout.Lists[list];
        values[rawColumn] = null;
        foreach (var perType in byType.Values)
        {
            foreach (var (_, column) in perType)
            {
                values[column] = SharedBoxes.Amount(0m);
            }
        }
    }

    /// <summary>
    /// Flattens <c>[{action_type, value, 7d_click, 1d_view}]</c> into the configured columns. Meta leaves out action
    /// types and windows with nothing to report, so a missing one is 0. The raw array is kept as JSON. A problem is
    /// kept for <see cref="Fill"/>, which reports it only if nothing before it in field order failed.
    /// </summary>
    private bool ReadActions(ref Utf8JsonReader reader, int list, object?[] values)
    {
        listSeen[list] = true;
        listProblems[list] = null;
        Zero(list, values);
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            listProblems[list] = $"{ListNames[list]} is not an array";
            return reader.TrySkip();
        }

        var (rawColumn, byType) = layout.Lists[list];
        rawLength = 0;
        var depth = reader.CurrentDepth;
        var previous = JsonTokenType.None;
        WriteRaw(ref reader, ref previous);
        while (true)
        {
            if (!reader.Read())
            {
                return false;
            }

            WriteRaw(ref reader, ref previous);
            if (reader.TokenType == JsonTokenType.EndArray && reader.CurrentDepth == depth)
            {
                break;
            }

            if (reader.TokenType == JsonTokenType.StartObject && reader.CurrentDepth == depth + 1
                && !ReadEntry(ref reader, ref previous, list, byType, values))
            {
                return false;
            }
        }

        values[rawColumn] = Encoding.UTF8.GetString(raw, 0, rawLength);
        return true;
    }

    /// <summary>One action entry (the reader on its StartObject, already written raw): its string/number members, then its columns.</summary>
    private bool ReadEntry(ref Utf8JsonReader reader, ref JsonTokenType previous, int list, Dictionary<string, (string? Window, int Column)[]> byType, object?[] values)
    {
        var depth = reader.CurrentDepth;
        members.Clear();
        entryLength = 0;
        var nameStart = 0;
        var nameEnd = 0;
        while (true)
        {
            if (!reader.Read())
            {
                return false;
            }

            WriteRaw(ref reader, ref previous);
            if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth)
            {
                break;
            }

            if (reader.CurrentDepth != depth + 1 && reader.TokenType != JsonTokenType.EndObject && reader.TokenType != JsonTokenType.EndArray)
            {
                continue; // inside a nested value: written raw, never a column
            }

            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    nameStart = entryLength;
                    nameEnd = entryLength = Append(ref reader, ref entry, entryLength);
                    break;
                case JsonTokenType.String or JsonTokenType.Number when reader.CurrentDepth == depth + 1:
                    var valueStart = entryLength;
                    entryLength = Append(ref reader, ref entry, entryLength);
                    members.Add((nameStart, nameEnd, valueStart, entryLength));
                    break;
                default:
                    break;
            }
        }

        if (listProblems[list] is not null || Member("action_type"u8) is not { } typeRange)
        {
            return true;
        }

        Span<char> chars = stackalloc char[128];
        var typeUtf8 = entry.AsSpan(typeRange.Start, typeRange.End - typeRange.Start);
        string? type = null;
        if (typeUtf8.Length <= chars.Length)
        {
            var typeChars = chars[..Encoding.UTF8.GetChars(typeUtf8, chars)];
            if (!layout.ActionTypes.TryGetValue(typeChars, out var known))
            {
                return true;
            }

            type = known;
        }
        else
        {
            type = Encoding.UTF8.GetString(typeUtf8);
        }

        if (!byType.TryGetValue(type, out var perType))
        {
            return true;
        }

        foreach (var (window, column) in perType)
        {
            if (Member(window is null ? "value"u8 : layout.Utf8(window)) is not { } range)
            {
                continue;
            }

            var utf8 = entry.AsSpan(range.Start, range.End - range.Start);
            if (!decimal.TryParse(utf8, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
            {
                listProblems[list] = $"{ListNames[list]} {type} {window ?? "value"} '{Quote(utf8)}' is not a number";
                return true;
            }

            values[column] = SharedBoxes.Amount(amount);
        }

        return true;
    }

    /// <summary>The value range of the entry's last string/number member called <paramref name="name"/>.</summary>
    private (int Start, int End)? Member(ReadOnlySpan<byte> name)
    {
        for (var i = members.Count - 1; i >= 0; i--)
        {
            var (ns, ne, vs, ve) = members[i];
            if (entry.AsSpan(ns, ne - ns).SequenceEqual(name))
            {
                return (vs, ve);
            }
        }

        return null;
    }

    /// <summary>Writes the token the reader is on to the raw array text (compact, escapes as sent).</summary>
    private void WriteRaw(ref Utf8JsonReader reader, ref JsonTokenType previous)
    {
        var token = reader.TokenType;
        var needsComma = previous is JsonTokenType.EndObject or JsonTokenType.EndArray or JsonTokenType.String or JsonTokenType.Number
            or JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null
            && token is not (JsonTokenType.EndObject or JsonTokenType.EndArray);
        if (needsComma)
        {
            RawByte((byte)',');
        }

        switch (token)
        {
            case JsonTokenType.StartObject:
                RawByte((byte)'{');
                break;
            case JsonTokenType.EndObject:
                RawByte((byte)'}');
                break;
            case JsonTokenType.StartArray:
                RawByte((byte)'[');
                break;
            case JsonTokenType.EndArray:
                RawByte((byte)']');
                break;
            case JsonTokenType.PropertyName:
                RawByte((byte)'"');
                RawValue(ref reader);
                RawByte((byte)'"');
                RawByte((byte)':');
                break;
            case JsonTokenType.String:
                RawByte((byte)'"');
                RawValue(ref reader);
                RawByte((byte)'"');
                break;
            default:
                RawValue(ref reader);
                break;
        }

        previous = token;
    }

    private void RawByte(byte b)
    {
        if (rawLength == raw.Length)
        {
            Array.Resize(ref raw, raw.Length * 2);
        }

        raw[rawLength++] = b;
    }

    /// <summary>The token's bytes as they stand in the body (a string's escapes kept).</summary>
    private void RawValue(ref Utf8JsonReader reader)
    {
        var length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        if (rawLength + length > raw.Length)
        {
            Array.Resize(ref raw, Math.Max(raw.Length * 2, rawLength + length));
        }

        if (reader.HasValueSequence)
        {
            System.Buffers.BuffersExtensions.CopyTo(reader.ValueSequence, raw.AsSpan(rawLength));
        }
        else
        {
            reader.ValueSpan.CopyTo(raw.AsSpan(rawLength));
        }

        rawLength += length;
    }
}
