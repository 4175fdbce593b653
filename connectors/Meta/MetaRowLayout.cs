using System.Text;

namespace Pipeline.Connectors.Meta;

/// <summary>
/// Where each member of an insights row goes, worked out once per report instead of once per row: the row's
/// members are read in one pass (<see cref="MetaInsightsRowReader"/>) and dropped into slots, rather than looked
/// up by name for every column.
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
        ActionTypes = report.ActionTypes.Distinct(StringComparer.Ordinal).ToDictionary(t => t, t => t, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        windowNames = report.AttributionWindows.Distinct(StringComparer.Ordinal).ToDictionary(w => w, w => Encoding.UTF8.GetBytes(w), StringComparer.Ordinal);
        SlotCount = names.Count;
        slots = names.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => x.i, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int SlotCount { get; }

    /// <summary>The slot of a member name, or -1 when this layout does not read it.</summary>
    public int SlotOf(ReadOnlySpan<char> name) => slots.TryGetValue(name, out var slot) ? slot : -1;

    /// <inheritdoc cref="SlotOf(ReadOnlySpan{char})"/>
    public int SlotOf(string name) => SlotOf(name.AsSpan());

    /// <summary>The configured action types (keys of <see cref="Lists"/>' ByType), looked up without a string per entry.</summary>
    public readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> ActionTypes;

    /// <summary>An attribution window's name as UTF-8 (the member of an action entry that holds it).</summary>
    public ReadOnlySpan<byte> Utf8(string window) => windowNames[window];

    private readonly Dictionary<string, byte[]> windowNames;
}
