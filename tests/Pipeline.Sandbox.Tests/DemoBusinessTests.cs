using Pipeline.Sandbox.World;

namespace Pipeline.Sandbox.Tests;

/// <summary>
/// The demo world reads as a steady SME (ops/Sandbox/README.md, "The demo business"): a sales cycle whose latest
/// weeks are open, plausible win and repeat rates, platform-claimed leads a realistic multiple of the CRM's, the
/// seasons and the weekdays in the contact flow. Figures are recomputed from the world's facts, not pasted.
/// </summary>
public class DemoBusinessTests
{
    // The world `pipeline demo` builds (90 days, the CRM 120 days longer) on a day in the Q4 peak.
    private static readonly WorldOptions Demo = WorldOptions.Demo with { StartDate = new DateOnly(2026, 9, 7), Days = 90 };

    // The same business over most of a year, for the seasons.
    private static readonly WorldOptions Year = WorldOptions.Demo with { StartDate = new DateOnly(2026, 1, 1), Days = 339 };

    private static readonly SandboxWorld World = new(Demo);

    private static readonly IReadOnlyList<HubSpotDealFact> Deals = World.Truth.HubSpotDealFacts().Where(d => !d.Archived).ToList();

    [Test]
    public void Deals_close_two_to_eight_weeks_after_creation_and_only_the_latest_weeks_are_open()
    {
        var asOf = World.AsOf;
        Assert.Multiple(() =>
        {
            foreach (var d in Deals)
            {
                var cycle = (d.CloseDate!.Value - d.CreateDate).TotalDays;
                Assert.That(cycle, Is.InRange(7, 56), $"deal {d.Id}: its (expected) close date");
                Assert.That(d.IsClosed, Is.EqualTo(d.CloseDate <= asOf), $"deal {d.Id}: closed exactly when its close date has passed");
            }

            var old = Deals.Where(d => d.CreateDate < asOf.AddDays(-56)).ToList();
            var recent = Deals.Where(d => d.CreateDate >= asOf.AddDays(-14)).ToList();
            Assert.That(old.Where(d => !d.IsClosed), Is.Empty, "deals older than 8 weeks are all closed");
            Assert.That(recent, Is.Not.Empty);
            Assert.That(recent.Count(d => !d.IsClosed), Is.GreaterThan(recent.Count * 0.8), "the last two weeks are mostly open (provisional)");
        });
    }

    [Test]
    public void Win_rate_and_repeat_purchase_rate_are_those_of_a_steady_business()
    {
        var closed = Deals.Where(d => d.IsClosed).ToList();
        var winRate = (double)closed.Count(d => d.IsWon) / closed.Count;
        var wonPerCustomer = Deals.Where(d => d.IsWon).GroupBy(d => d.CompanyIds[0]).Select(g => g.Count()).ToList();
        var repeatRate = (double)wonPerCustomer.Count(n => n > 1) / wonPerCustomer.Count;
        Assert.Multiple(() =>
        {
            Assert.That(winRate, Is.InRange(0.25, 0.35), "won / closed");
            Assert.That(repeatRate, Is.InRange(0.2, 0.45), "customers with more than one won deal / customers");
        });
    }

    [Test]
    public void Revenue_of_mature_months_is_steady_not_collapsing()
    {
        // Months whose every deal has closed (created more than 8 weeks before "today"): revenue by close month.
        var revenue = Deals.Where(d => d.IsWon)
            .GroupBy(d => new DateOnly(d.CloseDate!.Value.Year, d.CloseDate.Value.Month, 1))
            .Where(g => g.Key.AddMonths(1) <= DateOnly.FromDateTime(World.AsOf.UtcDateTime).AddDays(-56))
            .OrderBy(g => g.Key).Skip(1) // the CRM's first deals close in its second month: that one is a ramp-up
            .ToDictionary(g => g.Key, g => g.Sum(d => d.Amount ?? 0));
        Assert.That(revenue.Count, Is.GreaterThanOrEqualTo(3));
        var months = revenue.Keys.Order().ToList();
        Assert.Multiple(() =>
        {
            for (var i = 1; i < months.Count; i++)
            {
                var change = (double)(revenue[months[i]] / revenue[months[i - 1]]) - 1;
                Assert.That(change, Is.InRange(-0.45, 0.8), $"{months[i]:yyyy-MM} against the month before");
            }
        });
    }

    [Test]
    public void Meta_claims_one_and_a_third_to_two_and_a_half_times_the_crm_paid_social_leads()
    {
        // Over the world's days (read generation 0: no restatement).
        var from = Demo.StartDate;
        var to = Demo.EndDate.AddDays(-1);
        long claimed = 0;
        for (var d = from; d <= to; d = d.AddDays(1))
        {
            claimed += World.Truth.MetaAdDays(d).Sum(f => f.Delivery.Leads7dClick + f.Delivery.Leads1dView);
        }

        var crm = World.Truth.HubSpotContacts().Count(c =>
            c.OriginalSource == "PAID_SOCIAL" && c.LeadDate is { } l && DateOnly.FromDateTime(l.UtcDateTime) >= from && DateOnly.FromDateTime(l.UtcDateTime) <= to);
        Assert.That(crm, Is.GreaterThan(0));
        Assert.That((double)claimed / crm, Is.InRange(1.3, 2.5), $"Meta {claimed} leads, CRM Paid Social {crm}");
    }

    [Test]
    public void Contacts_follow_the_seasons_and_the_weekdays()
    {
        var created = new SandboxWorld(Year).Truth.HubSpotContacts().Select(c => DateOnly.FromDateTime(c.CreateDate.UtcDateTime)).ToList();
        int InMonth(int month) => created.Count(d => d.Year == 2026 && d.Month == month);
        var tuesdays = created.Count(d => d.DayOfWeek == DayOfWeek.Tuesday);
        var sundays = created.Count(d => d.DayOfWeek == DayOfWeek.Sunday);
        Assert.Multiple(() =>
        {
            Assert.That(InMonth(11), Is.GreaterThan(InMonth(7) * 1.3), "the Q4 peak against the summer");
            Assert.That(InMonth(10), Is.GreaterThan(InMonth(9)), "the autumn build-up");
            Assert.That(tuesdays, Is.GreaterThan(sundays * 1.3), "office days against the weekend");
        });
    }

    [Test]
    public void Contact_and_deal_associations_agree_in_both_directions()
    {
        var crm = World.Crm;
        var reorders = 0;
        Assert.Multiple(() =>
        {
            for (var k = 0; k < Demo.Deals; k++)
            {
                reorders += crm.ReorderOf(k) is { } parent && crm.ContactOfDeal(parent) == crm.ContactOfDeal(k) ? 1 : 0;
                Assert.That(crm.DealsOfContact(crm.ContactOfDeal(k)), Does.Contain(k), $"deal {k}");
            }

            for (var c = 0; c < Demo.Contacts; c += 7)
            {
                foreach (var k in crm.DealsOfContact(c))
                {
                    Assert.That(crm.ContactOfDeal(k), Is.EqualTo(c), $"contact {c}, deal {k}");
                }
            }
        });
        Assert.That(reorders, Is.GreaterThan(Demo.Deals / 4), "reorders come from the customer of their parent deal");
    }
}
