using System.Globalization;
using Pipeline.Warehouse;

namespace Pipeline.Cli.Commands;

/// <summary>
/// One warning line per currency and source whose money rows have no FX rate (<c>dw.fx_missing</c>): those amounts
/// cannot be converted to the reporting currency, so the money KPIs of their days are partial rather than silently
/// smaller. <c>pipeline status</c> and <c>pipeline sync</c> both print them.
/// </summary>
internal static class FxWarnings
{
    /// <summary>The warning lines; none when every currency has a rate, or when the warehouse predates the view.</summary>
    public static async Task<IReadOnlyList<string>> ReadAsync(IWarehouseReader reader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        // A warehouse migrated before dw.fx_missing (or its published copy) has nothing to say; status must still work.
        if ((await reader.QueryAsync(MartQueries.HasFxMissing, cancellationToken: cancellationToken))[0].Long(0) == 0)
        {
            return [];
        }

        var rows = await reader.QueryAsync(MartQueries.FxMissing, cancellationToken: cancellationToken);
        return rows.Select(r => Line(r.Text(0), r.Text(1), r.Long(2), r.Date(3), r.Date(4), r.Long(5))).ToList();
    }

    /// <summary>"warning: no FX rate for USD: 42 meta money rows on 3 days (2026-09-01..2026-09-03) are not converted; …"</summary>
    public static string Line(string currency, string source, long days, DateOnly first, DateOnly last, long rows)
    {
        var span = first == last ? Day(first) : $"{Day(first)}..{Day(last)}";
        var dayWord = days == 1 ? "day" : "days";
        return string.Create(CultureInfo.InvariantCulture,
            $"warning: no FX rate for {currency}: {rows:N0} {source} money rows on {days} {dayWord} ({span}) are not converted, so money KPIs of those days are partial; add {currency} rates to fx_rates.csv");
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
