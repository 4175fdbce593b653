using static Pipeline.Marts.Tests.MartsFixture;

namespace Pipeline.Marts.Tests;

/// <summary>The FX as-of rule and the reporting time zone, each on a case picked to make the rule matter.</summary>
public sealed class ConversionTests
{
    [Test]
    public void Usd_spend_converts_at_the_last_rate_on_or_before_its_day()
    {
        // The US account's always-on campaign spends every day; the CSV switches the USD rate at start+17 and start+40.
        var us = SandboxWorld.Truth.MetaAccounts.Single(a => a.Currency == "USD");
        var campaign = SandboxWorld.Meta.Campaigns.First(c => c.AccountId == us.AccountId && c.StartDate == World.StartDate && c.StopDate == World.EndDate);
        Assert.Multiple(() =>
        {
            foreach (var (offset, rate) in new[] { (0, 0.9000m), (16, 0.9000m), (17, 0.9375m), (39, 0.9375m), (40, 0.8850m), (World.Days - 1, 0.8850m) })
            {
                var day = World.StartDate.AddDays(offset);
                var usd = SandboxWorld.Truth.MetaSpend(us.AccountId, day, campaign.Id);
                Assert.That(Mart[new KpiKey("cpc", "day", day, "campaign", campaign.Name)].Numerator, Is.EqualTo(usd * rate), $"{campaign.Name} spend on {day:yyyy-MM-dd}: {usd} USD × {rate}");
            }
        });
    }

    [Test]
    public void A_cost_dated_before_any_rate_converts_at_the_earliest_rate()
    {
        var early = Files.Costs.Single(c => c.Currency == "USD" && c.Date < Files.FirstUsdRateDate);
        Assert.That(Mart[new KpiKey("cac", "day", early.Date, "channel", "Audio")].Numerator, Is.EqualTo(early.Cost * 0.9000m), "300 USD × the first USD rate");
        Assert.That(Mart[new KpiKey("cac", "day", early.Date, "campaign", early.Campaign)].Numerator, Is.EqualTo(270.00m));
    }

    [Test]
    public void Crm_timestamps_become_days_in_the_reporting_time_zone()
    {
        // Deals created late in the UTC evening belong to the next day in Berlin: pick a day and channel where that
        // changes the count, so a warehouse dating by UTC could not pass.
        var deals = SandboxWorld.Truth.HubSpotDealFacts().Where(d => !d.Archived).ToList();
        int Count(string channel, DateOnly day, Func<DateTimeOffset, DateOnly> dateOf) =>
            deals.Count(d => AttributionReference.DealChannel(d) == channel && dateOf(d.CreateDate) == day);
        var cases = deals
            .Where(d => DateOnly.FromDateTime(d.CreateDate.UtcDateTime) != ReferenceKpis.LocalDate(d.CreateDate))
            .Select(d => (Day: ReferenceKpis.LocalDate(d.CreateDate), Channel: AttributionReference.DealChannel(d)))
            .Select(x => (x.Day, x.Channel, Berlin: Count(x.Channel, x.Day, ReferenceKpis.LocalDate), Utc: Count(x.Channel, x.Day, t => DateOnly.FromDateTime(t.UtcDateTime))))
            .Where(x => x.Berlin != x.Utc)
            .ToList();
        Assert.That(cases, Is.Not.Empty, "some deal is created between 22:00 and 24:00 UTC");
        Assert.Multiple(() =>
        {
            foreach (var (day, channel, berlin, utc) in cases.Take(5))
            {
                Assert.That(Mart[new KpiKey("deals_created", "day", day, "channel", channel)].Numerator, Is.EqualTo((decimal)berlin), $"{channel} {day:yyyy-MM-dd} (by UTC day it would be {utc})");
            }
        });
    }
}
