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

            cost += File.ReadAllLines(Path.Combine(folder, "marketing_costs.csv")).Skip(1)
                .Select(line => line.Split(','))
                .Where(f => DateOnly.ParseExact(f[0], "yyyy-MM-dd", CultureInfo.InvariantCulture) is var day && day >= month && day <= end)
                .Sum(f => decimal.Parse(f[3], CultureInfo.InvariantCulture) * (f[4] == "USD" ? usd : 1m));

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

    private static decimal UsdRate(string folder) =>
        File.ReadAllLines(Path.Combine(folder, "fx_rates.csv")).Skip(1).Select(l => l.Split(','))
            .Where(f => f[1] == "USD").Average(f => decimal.Parse(f[2], CultureInfo.InvariantCulture));
}
