using System.Globalization;
using System.Text;

namespace Pipeline.Marts.Tests;

public sealed record FxRateRow(DateOnly Date, string Currency, decimal Rate);

public sealed record CostRow(DateOnly Date, string Channel, string Campaign, decimal Cost, string Currency, string Note);

public sealed record NpsRow(DateOnly Date, int Score, string Channel);

public sealed record TargetRow(string Kpi, DateOnly PeriodStart, DateOnly PeriodEnd, decimal Target, string Segment);

/// <summary>
/// The Files source's CSVs, written by the test and kept as data so the reference reads the same rows. Each row is
/// there to exercise one rule of SEMANTICS.md; the comment beside it says which.
/// </summary>
public sealed class TestFiles
{
    /// <summary>A campaign the sandbox always runs (account DE, first campaign), so costs meet ad spend there.</summary>
    public const string AlwaysOnMetaCampaign = "DE_Prospecting_01";

    private TestFiles(DateOnly start, DateOnly end, (DateOnly Day, string Channel)? zeroCost)
    {
        ZeroCost = zeroCost;
        FirstUsdRateDate = start.AddDays(-20);
        FxRates =
        [
            new(FirstUsdRateDate, "EUR", 1m),
            new(FirstUsdRateDate, "USD", 0.9000m),   // before the world: days up to start+16 use it
            new(start.AddDays(17), "USD", 0.9375m),  // inside the world: as-of switches here
            new(start.AddDays(40), "USD", 0.8850m),
            new(start.AddDays(40), "EUR", 1m),
        ];
        IReadOnlyList<CostRow> costs =
        [
            // Dated before the first USD rate: converts with the earliest rate known.
            new(start.AddDays(-60), "podcast", "always_on", 300.00m, "USD", "pre-launch sponsorship"),
            new(start.AddDays(3), "podcast", "always_on", 1250m, "EUR", "monthly sponsorship"),
            new(start.AddDays(10), "podcast", "always_on", -50.00m, "EUR", "credit note"),
            new(start.AddDays(9), "print", "", 680.50m, "EUR", "trade magazine"),
            // Same campaign as Meta spend: CAC/ROI by campaign add both.
            new(start.AddDays(20), "influencer", AlwaysOnMetaCampaign, 1000m, "USD", "creator fee"),
            // Unmapped channel → Unassigned.
            new(start.AddDays(45), "tiktok", "spring_push", 420m, "USD", "creator fee"),
            new(start.AddDays(45), "events", "trade_fair_berlin", 4300.75m, "EUR", "booth and travel"),
            // No CHF rate at all: the row drops out of every sum (and makes no segment appear).
            new(start.AddDays(50), "radio", "chf_spot", 99.99m, "CHF", "no rate on purpose"),
            new(end.AddDays(-2), "print", "", 120m, "EUR", "classifieds"),
        ];
        Costs = costs;
        if (zeroCost is { } z)
        {
            // A cost and its full refund on a day the channel won a deal: ROI's denominator is exactly 0 there.
            Costs = [.. Costs, new(z.Day, z.Channel, "zero_a", 250m, "EUR", "booked"), new(z.Day, z.Channel, "zero_b", -250m, "EUR", "refunded")];
        }
        Nps =
        [
            new(start.AddDays(-5), 10, "email"),
            new(start.AddDays(1), 10, "email"), new(start.AddDays(1), 9, "in_app"), new(start.AddDays(1), 7, "email"), new(start.AddDays(1), 3, "in_app"),
            // Only passives: NPS 0 (a value, not NULL).
            new(start.AddDays(2), 8, "email"), new(start.AddDays(2), 7, "in_app"),
            new(start.AddDays(8), 0, "email"), new(start.AddDays(8), 6, "email"),
            // Two identical responses are two responses.
            new(start.AddDays(30), 9, "email"), new(start.AddDays(30), 9, "email"),
            new(end, 5, "in_app"), new(end, 10, "in_app"),
        ];
        var monthStart = new DateOnly(end.Year, end.Month, 1);
        Targets =
        [
            new("revenue", monthStart, monthStart.AddMonths(1).AddDays(-1), 100_000m, ""),
            new("sessions", monthStart, monthStart.AddMonths(1).AddDays(-1), 30_000m, "Organic Search"),
            // A count target of a channel that never acquires a customer (Audio: cost files only), running past the world's end.
            new("new_customers", end.AddDays(-20), end.AddDays(9), 10m, "Audio"),
        ];
    }

    public DateOnly FirstUsdRateDate { get; }

    /// <summary>Day and cost-file channel whose costs net to exactly 0 (null when the world had no fitting day).</summary>
    public (DateOnly Day, string Channel)? ZeroCost { get; }

    public IReadOnlyList<FxRateRow> FxRates { get; }

    public IReadOnlyList<CostRow> Costs { get; }

    public IReadOnlyList<NpsRow> Nps { get; }

    public IReadOnlyList<TargetRow> Targets { get; }

    public static TestFiles Create(DateOnly worldStart, DateOnly worldEnd, (DateOnly Day, string Channel)? zeroCost = null) => new(worldStart, worldEnd, zeroCost);

    public void WriteTo(string folder)
    {
        Directory.CreateDirectory(folder);
        var inv = CultureInfo.InvariantCulture;
        var fx = new StringBuilder("date,currency,rate\n");
        foreach (var r in FxRates)
        {
            fx.Append(inv, $"{r.Date:yyyy-MM-dd},{r.Currency},{r.Rate}\n");
        }

        var costs = new StringBuilder("date,channel,campaign,cost,currency,note\n");
        foreach (var r in Costs)
        {
            costs.Append(inv, $"{r.Date:yyyy-MM-dd},{r.Channel},{r.Campaign},{r.Cost},{r.Currency},{r.Note}\n");
        }

        var nps = new StringBuilder("date,score,channel\n");
        foreach (var r in Nps)
        {
            nps.Append(inv, $"{r.Date:yyyy-MM-dd},{r.Score},{r.Channel}\n");
        }

        var targets = new StringBuilder("kpi,period_start,period_end,target,segment\n");
        foreach (var r in Targets)
        {
            targets.Append(inv, $"{r.Kpi},{r.PeriodStart:yyyy-MM-dd},{r.PeriodEnd:yyyy-MM-dd},{r.Target},{r.Segment}\n");
        }

        File.WriteAllText(Path.Combine(folder, "fx_rates.csv"), fx.ToString());
        File.WriteAllText(Path.Combine(folder, "marketing_costs.csv"), costs.ToString());
        File.WriteAllText(Path.Combine(folder, "nps_responses.csv"), nps.ToString());
        File.WriteAllText(Path.Combine(folder, "kpi_targets.csv"), targets.ToString());
    }
}
