namespace Pipeline.Cli.Kpi;

/// <summary>
/// The status every KPI row of the marts carries (<c>status</c>, <c>status_reason</c>) and how people see it: a marker
/// beside the value, and the reason in words. One place, so the table, the demo and the report mark alike.
/// </summary>
internal static class KpiStatus
{
    public const string Complete = "complete";

    public const string Partial = "partial";

    public const string Provisional = "provisional";

    /// <summary>Marks a value whose period is not fully loaded (coverage below 100 %).</summary>
    public const string PartialMarker = "◐";

    /// <summary>Marks a value a source may still restate (open deals, platform lookback windows).</summary>
    public const string ProvisionalMarker = "~";

    /// <summary>What a value without a cost source shows instead of an empty cell (the mart's reason starts so).</summary>
    public const string CostUnknown = "cost unknown";

    /// <summary>The marker of a status; empty for complete (or anything the marts may add later).</summary>
    public static string Marker(string? status) => status switch
    {
        Partial => PartialMarker,
        Provisional => ProvisionalMarker,
        _ => "",
    };

    /// <summary>Whether the value is less than final: partial or provisional.</summary>
    public static bool IsIncomplete(string? status) => status is Partial or Provisional;

    /// <summary>
    /// Whether a value's reason is worth telling: it is partial or provisional, or the marts left it NULL and said why
    /// ("cost unknown: …", "no cost source for Organic Search").
    /// </summary>
    public static bool HasReasonToShow(string? status, double? value, string? reason) =>
        reason is not null && (IsIncomplete(status) || value is null);

    /// <summary>The worse of two statuses: partial over provisional over complete.</summary>
    public static string Worse(string a, string b) => Rank(a) >= Rank(b) ? a : b;

    /// <summary>
    /// A NULL value the marts explain as having no cost source ("cost unknown: no cost source for Paid Search"): shown as
    /// "cost unknown", never as an empty or zero cell.
    /// </summary>
    public static bool IsCostUnknown(double? value, string? reason) =>
        value is null && reason is not null && reason.StartsWith(CostUnknown, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The status in words for a reader: "provisional: 42 deals created in the period still open", "partial: meta
    /// insights_daily not loaded 2026-09-01..2026-09-05". The reason keeps its own words; the status goes in front
    /// unless the reason already starts with it (or says "cost unknown", which needs no more).
    /// </summary>
    public static string Describe(string? status, string? reason)
    {
        var name = IsIncomplete(status) ? status! : null;
        if (string.IsNullOrWhiteSpace(reason))
        {
            return name ?? "";
        }

        if (name is null || reason.StartsWith(name, StringComparison.OrdinalIgnoreCase) || reason.StartsWith(CostUnknown, StringComparison.OrdinalIgnoreCase))
        {
            return reason;
        }

        return $"{name}: {reason}";
    }

    private static int Rank(string status) => status switch
    {
        Partial => 2,
        Provisional => 1,
        _ => 0,
    };
}
