using Pipeline.Reliability.Tests.Infrastructure;
using Pipeline.Sandbox.World;

namespace Pipeline.Reliability.Tests;

/// <summary>
/// The guard that ends a comparison with a reference synced before midnight: it must know every zone whose day the
/// sandbox accounts report in, or a case run just after midnight there fails on a one-day shift instead of saying why.
/// </summary>
public sealed class WorldsTests
{
    [Test]
    public void Every_zone_the_sandbox_accounts_report_days_in_is_one_the_day_guard_watches()
    {
        var world = new SandboxWorld(Worlds.Small(Worlds.TodayUtc));
        var zones = world.Meta.Accounts.Select(a => a.TimeZone).Append(world.Ga4.TimeZone).Append(world.Crm.TimeZone).Distinct().ToList();

        Assert.That(zones, Has.Count.GreaterThan(1), "the world has accounts in more than one zone");
        Assert.That(zones, Is.SubsetOf(Worlds.DayZones.Select(z => z.Id)), "a zone the guard does not watch");
    }

    [Test]
    public void Midnight_in_new_york_between_the_reference_and_the_case_is_another_day()
    {
        // 2026-12-07 is winter time in New York (UTC-5): midnight there is 05:00 UTC, and neither UTC nor Berlin turns.
        var before = new DateTime(2026, 12, 7, 4, 58, 0, DateTimeKind.Utc);
        var after = new DateTime(2026, 12, 7, 5, 0, 30, DateTimeKind.Utc);

        Assert.That(Worlds.SameDay(before, after), Is.False);
        Assert.That(Worlds.SameDay(after, after.AddHours(1)), Is.True);
    }
}
