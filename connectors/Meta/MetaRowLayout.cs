using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Pipeline.Connectors.Meta;

/// <summary>
/// Where each member of an insights row goes, worked out once per report instead of once per row: the row's
/// members are visited in one pass and dropped into slots, rather than looked up by name (a linear search of the
/// row each time) for every column.
/// </summary>
internal sealed class MetaRowLayout
{
    /// <summary>Members read as text into a column of their own name.</summary>
    public readonly (int Slot, int Column, bool Nullable, string Name)[] TextColumns;

    /// <summary>Integer counts.</summary>
    public readonly (int Slot, int Column, string Name)[] CountColumns;

    public readonly int DateStartSlot, DateStopSlot, FrequencySlot, SpendSlot, ActionsSlot, ActionValuesSlot;

    public readonly int DateStartColumn, DateStopColumn, FrequencyColumn, SpendColumn, ReachUnavailableColumn;

    /// <summary>Per list (actions, action_values): the raw array's column and the flattened columns per action type and window (null window = value).</summary>
    public readonly (int RawColumn, Dictionary<string, (string? Window, int Column)[]> ByType)[] Lists;

    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> slots;

    public MetaRowLayout(MetaInsightsReport report, Func<string, int> column)
    {
        var names = new List<string>();
        int Slot(string name)
        {
            var at = names.IndexOf(name);
            if (at < 0)
            {
                names.Add(name);
                at = names.Count - 1;
            }

            return at;
        }

        DateStartSlot = Slot("date_start");
        DateStopSlot = Slot("date_stop");
        DateStartColumn = column("date_start");
        DateStopColumn = column("date_stop");
        TextColumns = [.. ((string[])["account_id", "account_currency", .. report.LevelFields, .. report.Breakdowns])
            .Select(n => (Slot(n), column(n), report.Stream.Fields[column(n)].Nullable, n))];
        CountColumns = [.. ((string[])["impressions", "reach", "clicks", "inline_link_clicks"]).Select(n => (Slot(n), column(n), n))];
        FrequencySlot = Slot("frequency");
        FrequencyColumn = column("frequency");
        SpendSlot = Slot("spend");
        SpendColumn = column("spend");
        ActionsSlot = Slot("actions");
        ActionValuesSlot = Slot("action_values");
        ReachUnavailableColumn = column(MetaInsightsReport.ReachUnavailable);
        Lists = [.. ((string[])["actions", "action_values"]).Select(list => (
            column(list),
            report.ActionTypes.Distinct(StringComparer.Ordinal).ToDictionary(
                type => type,
                type => ((string?[])[null, .. report.AttributionWindows]).Select(w => (w, column(MetaInsightsReport.ActionColumn(list, type, w)))).ToArray(),
                StringComparer.Ordinal)))];
        SlotCount = names.Count;
        slots = names.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => x.i, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int SlotCount { get; }

    /// <summary>Drops each member this layout reads into its slot (a repeated member: the last one, as TryGetProperty finds it).</summary>
    public void Collect(JsonElement row, JsonElement[] into, bool[] present)
    {
        Array.Clear(present);
        Span<char> name = stackalloc char[64];
        foreach (var property in row.EnumerateObject())
        {
            var utf8 = JsonMarshal.GetRawUtf8PropertyName(property);
            if (utf8.Length > name.Length || utf8.IndexOf((byte)'\\') >= 0)
            {
                // Longer than any name read here, or escaped: compare the decoded name.
                if (slots.TryGetValue(property.Name, out var decoded))
                {
                    into[decoded] = property.Value;
                    present[decoded] = true;
                }

                continue;
            }

            var length = Encoding.UTF8.GetChars(utf8, name);
            if (slots.TryGetValue(name[..length], out var slot))
            {
                into[slot] = property.Value;
                present[slot] = true;
            }
        }
    }

    /// <summary>Meta sends numbers as strings; accept either (what the member holds, else null).</summary>
    public static string? Text(JsonElement[] values, bool[] present, int slot) =>
        !present[slot] ? null : values[slot].ValueKind switch
        {
            JsonValueKind.String => values[slot].GetString(),
            JsonValueKind.Number => values[slot].GetRawText(),
            _ => null,
        };
}
