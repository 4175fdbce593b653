using System.Globalization;
using Pipeline.Cli.Demo;
using Pipeline.Sandbox.World;

namespace Pipeline.Cli.Tests;

/// <summary>
/// The demo's money is in proportion: over a mature month of the world `pipeline demo` builds, the CRM's won revenue
/// against all marketing cost (Meta, Google Ads through GA4, the demo's cost file) gives a blended ROI of 1-4x, a CAC
/// of a few hundred EUR and a CPL of tens of EUR. Recomputed from the world's facts and the written CSV file.
/// </summary>
public class DemoProportionTests
{
    [TestCase("2026-12-05")]
    [TestCase("2027-03-20")]
    [TestCase("2026-07-15")]
    public void A_mature_month_has_a_blended_roi_of_one_to_four_and_cac_and_cpl_of_an_sme(string todayText)
    {
        var today = DateOnly.ParseExact(todayText, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        const int days = 90;
        var world = new SandboxWorld(WorldOptions.Demo with { StartDate = today.AddDays(1 - days), Days = days });
        var folder = Path.Combine(Path.GetTempPath(), "pipeline-demo-proportion", Guid.NewGuid().ToString("N"));
        DemoFiles.Write(folder, world.Options.StartDate, today);
        try
        {
            // The month two months back: inside the world's cost data, and every deal it holds has closed.
            var month = new DateOnly(today.Year, today.Month, 1).AddMonths(-2);
            var end = month.AddMonths(1).AddDays(-1);
            bool In(DateTimeOffset t) => DateOnly.FromDateTime(t.UtcDateTime) >= month && DateOnly.FromDateTime(t.UtcDateTime) <= end;

            var deals = world.Truth.HubSpotDealFacts().Where(d => !d.Archived && d.IsWon).ToList();
            var revenue = deals.Where(d => In(d.CloseDate!.Value)).Sum(d => d.Amount ?? 0);
            var firstWon = deals.GroupBy(d => d.CompanyIds[0]).Select(g => g.Min(d => d.CloseDate!.Value));
            var newCustomers = firstWon.Count(In);
            var leads = world.Truth.HubSpotContacts().Count(c => c.LeadDate is { } l && In(l));

            var cost = MarketingCost(world, folder, month, end);
            var roi = (revenue - cost) / cost;
            Assert.Multiple(() =>
            {
                Assert.That(roi, Is.InRange(1m, 4m), $"{month:yyyy-MM}: revenue {revenue:0}, marketing cost {cost:0}");
                Assert.That(cost / newCustomers, Is.InRange(150m, 900m), $"CAC: {newCustomers} new customers");
                Assert.That(cost / leads, Is.InRange(10m, 99m), $"CPL: {leads} leads");
            });
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestCase("2026-12-05")]
    [TestCase("2027-03-20")]
    [TestCase("2026-07-15")]
    public void Under_first_touch_a_mature_month_has_paid_channel_customers_and_a_positive_paid_roi(string todayText)
    {
        var today = DateOnly.ParseExact(todayText, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        const int days = 90;
        var world = new SandboxWorld(WorldOptions.Demo with { StartDate = today.AddDays(1 - days), Days = days });
        var folder = Path.Combine(Path.GetTempPath(), "pipeline-demo-proportion", Guid.NewGuid().ToString("N"));
        DemoFiles.Write(folder, world.Options.StartDate, today);
        try
        {
            var month = new DateOnly(today.Year, today.Month, 1).AddMonths(-2);
            var end = month.AddMonths(1).AddDays(-1);
            bool In(DateTimeOffset t) => DateOnly.FromDateTime(t.UtcDateTime) >= month && DateOnly.FromDateTime(t.UtcDateTime) <= end;

            // first_touch (SEMANTICS.md "Attribution"): a won deal's revenue and a new customer go to the original source
            // of the deal's company, which HubSpot copies from the company's first contact.
            var companySource = new Dictionary<long, string?>();
            string? SourceOf(HubSpotDealFact d)
            {
                var company = d.CompanyIds[0];
                if (!companySource.TryGetValue(company, out var source))
                {
                    source = world.Crm.Properties(CrmObjectType.Companies, (int)(company - CrmWorld.CompanyIdBase))["hs_analytics_source"];
                    companySource[company] = source;
                }

                return source;
            }

            var won = world.Truth.HubSpotDealFacts().Where(d => !d.Archived && d.IsWon).ToList();
            var firstWins = won.GroupBy(d => d.CompanyIds[0]).Select(g => g.MinBy(d => d.CloseDate!.Value)!).Where(d => In(d.CloseDate!.Value)).ToList();
            int NewCustomers(string source) => firstWins.Count(d => SourceOf(d) == source);

            // Every cost line of the demo books to a channel with a cost source: Meta (Paid Social), Google Ads (Paid
            // Search), the file's print and trade fair (Offline), influencer (Organic Social) and podcast (Audio). So the
            // paid scope's cost is all marketing cost, its revenue that of the CRM sources mapped to those channels.
            string[] costed = ["PAID_SOCIAL", "PAID_SEARCH", "OFFLINE", "SOCIAL_MEDIA"];
            var paidRevenue = won.Where(d => In(d.CloseDate!.Value) && costed.Contains(SourceOf(d))).Sum(d => d.Amount ?? 0);
            var cost = MarketingCost(world, folder, month, end);
            var paidRoi = (paidRevenue - cost) / cost;
            TestContext.Out.WriteLine($"{month:yyyy-MM}: new customers Paid Social {NewCustomers("PAID_SOCIAL")}, Paid Search {NewCustomers("PAID_SEARCH")}, of {firstWins.Count}; paid revenue {paidRevenue:0}, cost {cost:0}, paid ROI {paidRoi:0.00}");
            Assert.Multiple(() =>
            {
                Assert.That(NewCustomers("PAID_SOCIAL"), Is.GreaterThan(0), $"{month:yyyy-MM}: new customers acquired through Paid Social");
                Assert.That(NewCustomers("PAID_SEARCH"), Is.GreaterThan(0), $"{month:yyyy-MM}: new customers acquired through Paid Search");
                Assert.That(paidRoi, Is.InRange(0.3m, 3m), $"{month:yyyy-MM}: paid ROI, paid-channel revenue {paidRevenue:0} against cost {cost:0}");
            });
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>All marketing cost of a date range: Google Ads, Meta (USD at the file's average rate) and the cost file.</summary>
    private static decimal MarketingCost(SandboxWorld world, string folder, DateOnly month, DateOnly end)
    {
        var usd = UsdRate(folder);
        var cost = 0m;
        for (var d = month; d <= end; d = d.AddDays(1))
        {
            cost += world.Truth.GoogleAdsCost(d);
            foreach (var account in world.Truth.MetaAccounts)
            {
                cost += world.Truth.MetaSpend(account.AccountId, d) * (account.Currency == "USD" ? usd : 1m);
            }
        }

        return cost + File.ReadAllLines(Path.Combine(folder, "marketing_costs.csv")).Skip(1)
            .Select(line => line.Split(','))
            .Where(f => DateOnly.ParseExact(f[0], "yyyy-MM-dd", CultureInfo.InvariantCulture) is var day && day >= month && day <= end)
            .Sum(f => decimal.Parse(f[3], CultureInfo.InvariantCulture) * (f[4] == "USD" ? usd : 1m));
    }

    private static decimal UsdRate(string folder) =>
        File.ReadAllLines(Path.Combine(folder, "fx_rates.csv")).Skip(1).Select(l => l.Split(','))
            .Where(f => f[1] == "USD").Average(f => decimal.Parse(f[2], CultureInfo.InvariantCulture));
}
