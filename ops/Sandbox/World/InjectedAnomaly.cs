using System.Globalization;

namespace Pipeline.Sandbox.World;

/// <summary>
/// A known anomaly the world generators put into one series on one day, so a test can measure how many of them the
/// warehouse's anomaly view finds (recall) and what else it flags (false flags). The series:
/// <list type="bullet">
/// <item><see cref="Ga4Sessions"/>: every GA4 traffic segment of the day has <c>Factor</c> × its sessions (and with
/// them engaged sessions, views, key events, users: the day is bigger, its ratios unchanged);</item>
/// <item><see cref="Ga4KeyEvents"/>: GA4 key events (conversions) of the day × <c>Factor</c>, sessions unchanged;</item>
/// <item><see cref="MetaSpend"/>: Meta spend of every ad that day × <c>Factor</c>, delivery unchanged (a bidding bug:
/// CPM and CPC jump);</item>
/// <item><see cref="CrmLeads"/>: HubSpot contacts becoming leads that day × <c>Factor</c>: below 1 the missing share
/// of the day's lead dates moves to the two weeks around it, above 1 lead dates of those weeks move into the day.</item>
/// </list>
/// </summary>
public sealed record InjectedAnomaly(string Series, DateOnly Date, double Factor)
{
    public const string Ga4Sessions = "ga4.sessions", Ga4KeyEvents = "ga4.key_events", MetaSpend = "meta.spend", CrmLeads = "crm.leads";

    public static IReadOnlyList<string> AllSeries { get; } = [Ga4Sessions, Ga4KeyEvents, MetaSpend, CrmLeads];

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Series} {Date:yyyy-MM-dd} ×{Factor:0.##}");

    /// <summary>
    /// <paramref name="count"/> anomalies spread round-robin over the series of <paramref name="factors"/> on distinct days chosen by
    /// <paramref name="seed"/> between <paramref name="from"/> and <paramref name="to"/> (inclusive), each with the
    /// factor its series gets in <paramref name="factors"/>; at least <paramref name="minGapDays"/> days apart.
    /// </summary>
    public static IReadOnlyList<InjectedAnomaly> Spread(
        int seed, int count, DateOnly from, DateOnly to, IReadOnlyList<(string Series, double Factor)> factors, int minGapDays = 2)
    {
        ArgumentNullException.ThrowIfNull(factors);
        var span = to.DayNumber - from.DayNumber + 1;
        if (count < 0 || factors.Count == 0 || span < count * minGapDays)
        {
            throw new ArgumentException($"cannot place {count} anomalies {minGapDays} days apart in {span} days");
        }

        var days = new List<DateOnly>();
        for (var attempt = 0; days.Count < count; attempt++)
        {
            var day = from.AddDays(Det.Index(span, seed, Salt.Anomaly, attempt));
            if (days.TrueForAll(d => Math.Abs(d.DayNumber - day.DayNumber) >= minGapDays))
            {
                days.Add(day);
            }
        }

        days.Sort();
        return days.Select((d, i) => new InjectedAnomaly(factors[i % factors.Count].Series, d, factors[i % factors.Count].Factor)).ToList();
    }
}

/// <summary>The anomalies of a world by series and day, for the generators' hooks.</summary>
internal sealed class Injections
{
    /// <summary>Days on either side of an injected lead day that give or take its leads.</summary>
    public const int LeadDonorDays = 14;

    private readonly Dictionary<(string, DateOnly), double> factors = [];
    private readonly DateOnly endDate;

    public Injections(WorldOptions options)
    {
        endDate = options.EndDate;
        foreach (var a in options.InjectedAnomalies)
        {
            factors[(a.Series, a.Date)] = a.Factor;
        }
    }

    /// <summary>The factor of <paramref name="series"/> on <paramref name="day"/>: 1 when nothing is injected.</summary>
    public double Factor(string series, DateOnly day) => factors.TryGetValue((series, day), out var f) ? f : 1.0;

    /// <summary><paramref name="value"/> scaled by the injection on the day, rounded.</summary>
    public long Scale(string series, DateOnly day, long value) =>
        factors.Count == 0 ? value : Det.Round(value * Factor(series, day));

    /// <summary>
    /// A lead timestamp moved by <see cref="InjectedAnomaly.CrmLeads"/>: off an injected day (factor &lt; 1), with
    /// probability 1 − factor, to one of the <see cref="LeadDonorDays"/> days on either side; onto an injected day
    /// (factor &gt; 1) from each of those days with probability (factor − 1) / (2 × <see cref="LeadDonorDays"/>), so every
    /// neighbour gives or takes only a little. Never past the world's last day. Decided per contact by the seed.
    /// </summary>
    public DateTimeOffset MoveLead(DateTimeOffset at, TimeZoneInfo zone, long seed, int contact)
    {
        if (factors.Count == 0)
        {
            return at;
        }

        // The day as the CRM (and the reporting zone of the tests) sees it.
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);
        var u = Det.Unit(seed, Salt.Anomaly, contact, 1);
        if (Factor(InjectedAnomaly.CrmLeads, day) is var down and < 1 && u < 1 - down)
        {
            var offset = 1 + Det.Index(LeadDonorDays, seed, Salt.Anomaly, contact, 2);
            return at.AddDays(day.AddDays(offset) <= endDate && Det.Unit(seed, Salt.Anomaly, contact, 3) < 0.5 ? offset : -offset);
        }

        for (var offset = -LeadDonorDays; offset <= LeadDonorDays; offset++)
        {
            if (offset != 0 && Factor(InjectedAnomaly.CrmLeads, day.AddDays(offset)) is var up and > 1 && u < (up - 1) / (2 * LeadDonorDays))
            {
                return at.AddDays(offset);
            }
        }

        return at;
    }
}
