using Pipeline.Sandbox.World;

namespace Pipeline.Sandbox.Tests;

/// <summary>WorldOptions.InjectedAnomalies: each series' hook moves exactly its day, and the default world is untouched.</summary>
public class InjectedAnomalyTests
{
    private static readonly DateOnly Day = WorldOptions.Demo.StartDate.AddDays(40);

    [Test]
    public void Ga4_sessions_injection_multiplies_that_days_sessions_only()
    {
        var plain = new SandboxWorld(WorldOptions.Demo);
        var injected = new SandboxWorld(WorldOptions.Demo with { InjectedAnomalies = [new(InjectedAnomaly.Ga4Sessions, Day, 3)] });

        Assert.Multiple(() =>
        {
            Assert.That(injected.Truth.Ga4Sessions(Day), Is.EqualTo(plain.Truth.Ga4Sessions(Day) * 3).Within(1).Percent);
            Assert.That(injected.Truth.Ga4Sessions(Day.AddDays(1)), Is.EqualTo(plain.Truth.Ga4Sessions(Day.AddDays(1))));
        });
    }

    [Test]
    public void Ga4_key_events_injection_leaves_sessions_alone()
    {
        var plain = new SandboxWorld(WorldOptions.Demo);
        var injected = new SandboxWorld(WorldOptions.Demo with { InjectedAnomalies = [new(InjectedAnomaly.Ga4KeyEvents, Day, 4)] });

        Assert.Multiple(() =>
        {
            Assert.That(injected.Truth.Ga4Sessions(Day), Is.EqualTo(plain.Truth.Ga4Sessions(Day)));
            Assert.That(injected.Truth.Ga4Segments(Day).Sum(s => s.KeyEvents), Is.EqualTo(plain.Truth.Ga4Segments(Day).Sum(s => s.KeyEvents) * 4).Within(1).Percent);
        });
    }

    [Test]
    public void Meta_spend_injection_multiplies_spend_but_not_delivery()
    {
        var plain = new SandboxWorld(WorldOptions.Demo);
        var injected = new SandboxWorld(WorldOptions.Demo with { InjectedAnomalies = [new(InjectedAnomaly.MetaSpend, Day, 4)] });
        var account = plain.Meta.Accounts[0].AccountId;

        Assert.Multiple(() =>
        {
            Assert.That(injected.Truth.MetaSpend(account, Day), Is.EqualTo(plain.Truth.MetaSpend(account, Day) * 4).Within(0.1m).Percent);
            Assert.That(injected.Truth.MetaSpend(account, Day.AddDays(-1)), Is.EqualTo(plain.Truth.MetaSpend(account, Day.AddDays(-1))));
            Assert.That(injected.Truth.MetaAdDays(Day).Sum(f => f.Delivery.Impressions), Is.EqualTo(plain.Truth.MetaAdDays(Day).Sum(f => f.Delivery.Impressions)));
        });
    }

    [Test]
    public void Crm_leads_injection_empties_or_fills_the_day_and_keeps_every_lead()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var options = WorldOptions.Demo with { Contacts = 3000 };
        int LeadsOn(SandboxWorld w, DateOnly d) => w.Truth.HubSpotContacts().Count(c => c.LeadDate is { } t && DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(t, zone).DateTime) == d);
        int AllLeads(SandboxWorld w) => w.Truth.HubSpotContacts().Count(c => c.LeadDate is not null);
        var plain = new SandboxWorld(options);
        var none = new SandboxWorld(options with { InjectedAnomalies = [new(InjectedAnomaly.CrmLeads, Day, 0)] });
        var more = new SandboxWorld(options with { InjectedAnomalies = [new(InjectedAnomaly.CrmLeads, Day, 4)] });

        Assert.Multiple(() =>
        {
            Assert.That(LeadsOn(plain, Day), Is.GreaterThan(3), "the plain day has leads to move");
            Assert.That(LeadsOn(none, Day), Is.Zero);
            Assert.That(LeadsOn(more, Day), Is.GreaterThan(LeadsOn(plain, Day) * 2));
            Assert.That(AllLeads(none), Is.EqualTo(AllLeads(plain)), "leads move in time, none are lost");
            Assert.That(AllLeads(more), Is.EqualTo(AllLeads(plain)));
        });
    }

    [Test]
    public void Spread_places_distinct_days_apart_inside_the_range_round_robin_over_series()
    {
        var from = new DateOnly(2026, 3, 1);
        var list = InjectedAnomaly.Spread(7, 20, from, from.AddDays(79), [(InjectedAnomaly.Ga4Sessions, 3), (InjectedAnomaly.MetaSpend, 4)], minGapDays: 3);

        Assert.Multiple(() =>
        {
            Assert.That(list, Has.Count.EqualTo(20));
            Assert.That(list.All(a => a.Date >= from && a.Date <= from.AddDays(79)), Is.True);
            Assert.That(list.Zip(list.Skip(1)).All(p => p.Second.Date.DayNumber - p.First.Date.DayNumber >= 3), Is.True);
            Assert.That(list.Count(a => a.Series == InjectedAnomaly.MetaSpend), Is.EqualTo(10));
            Assert.That(InjectedAnomaly.Spread(7, 20, from, from.AddDays(79), [(InjectedAnomaly.Ga4Sessions, 3)], 3), Is.EqualTo(
                InjectedAnomaly.Spread(7, 20, from, from.AddDays(79), [(InjectedAnomaly.Ga4Sessions, 3)], 3)), "same seed, same list");
        });
    }
}
