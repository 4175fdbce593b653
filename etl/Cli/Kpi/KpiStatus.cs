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

    /// <summary>
    /// The separate statements of a reason: the marts join them with "; " ("no cost source for Direct; meta
    /// insights_daily not loaded 2026-08-05"), and many rows share most of them, so a legend lists each statement once.
    /// </summary>
    public static IReadOnlyList<string> Parts(string? reason) =>
        reason is null ? [] : reason.Split("; ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>
    /// A statement about cost scope rather than loading ("cost unknown: …", "no cost source for …", "no revenue
    /// attributable to …"): true whatever the days loaded, so it carries no partial or provisional marker.
    /// </summary>
    public static bool IsScope(string part) =>
        part.StartsWith(CostUnknown, StringComparison.OrdinalIgnoreCase)
        || part.StartsWith("no cost source", StringComparison.OrdinalIgnoreCase)
        || part.StartsWith("no revenue attributable", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Several reasons in one phrase, the status named once: "provisional: 30 deals created in the period still open;
    /// meta insights_daily may still restate days of the period"; scope statements (no cost source) follow as they are.
    /// </summary>
    public static string Summarize(string? status, IEnumerable<string?> reasons)
    {
        var parts = reasons.SelectMany(Parts).Distinct(StringComparer.Ordinal).ToList();
        var scope = parts.Where(IsScope).ToList();
        var name = IsIncomplete(status) ? status + ": " : "";
        // "provisional: …" is already said by the status in front.
        var loading = parts.Where(p => !IsScope(p))
            .Select(p => name.Length > 0 && p.StartsWith(name, StringComparison.OrdinalIgnoreCase) ? p[name.Length..] : p)
            .Distinct(StringComparer.Ordinal).ToList();
        var phrases = new List<string>();
        if (loading.Count > 0)
        {
            phrases.Add(name + string.Join("; ", loading));
        }
        else if (name.Length > 0)
        {
            phrases.Add(status!);
        }

        phrases.AddRange(scope);
        return string.Join("; ", phrases);
    }

    /// <summary>The worse of two statuses: partial over provisional over complete.</summary>
    public static string Worse(string a, string b) => Rank(a) >= Rank(b) ? a : b;

    /// <summary>
    /// A NULL value the marts explain as having no cost source ("cost unknown: no cost source for Paid Search"): shown as
    /// "cost unknown", never as an empty or zero cell.
    /// </summary>
    public static bool IsCostUnknown(double? value, string? reason) =>
        value is null && reason is not null && reason.StartsWith(CostUnknown, StringComparison.OrdinalIgnoreCase);

    private static int Rank(string status) => status switch
    {
        Partial => 2,
        Provisional => 1,
        _ => 0,
    };
}
