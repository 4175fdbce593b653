using static Pipeline.Marts.Tests.MartsFixture;

namespace Pipeline.Marts.Tests;

/// <summary>
/// mart.attribution_reconciliation recomputed from the sandbox world: Meta's claimed leads, purchases and value per
/// ad day, GA4's key events, transactions and purchase revenue per segment, and the CRM's leads, new customers and
/// won revenue under the first-touch model (AttributionReference), per month × channel and month × channel × campaign.
/// </summary>
public sealed class ReconciliationTests
{
    private static readonly string[] Columns =
        ["claimed_leads", "claimed_purchases", "claimed_value", "crm_leads", "crm_new_customers", "crm_revenue", "lead_overlap", "customer_overlap", "revenue_overlap"];

    [Test]
    public void Reconciliation_matches_the_reference_at_channel_and_campaign_level()
    {
        var expected = Expected();
        var actual = Query(
            """
            SELECT month, level, channel, campaign, claimed_by, claimed_leads, claimed_purchases, claimed_value,
                   crm_leads, crm_new_customers, crm_revenue, lead_overlap, customer_overlap, revenue_overlap, attribution_model
            FROM mart.attribution_reconciliation
            """);
        Assert.That(actual.Select(r => (string)r[14]!).Distinct(), Is.EqualTo(new[] { "first_touch" }));
        var byKey = actual.ToDictionary(r => (Date(r[0]), (string)r[1]!, (string?)r[2], (string?)r[3]), r => ((string?)r[4], r[5..14].Select(Dbl).ToArray()));

        var problems = new List<string>();
        foreach (var (key, (claimer, values)) in expected)
        {
            if (!byKey.TryGetValue(key, out var row))
            {
                problems.Add($"missing {key}");
                continue;
            }

            if (row.Item1 != claimer)
            {
                problems.Add($"{key}: claimed_by {row.Item1}, expected {claimer}");
            }

            problems.AddRange(Columns.Where((_, i) => !Compare.Close(values[i], row.Item2[i]))
                .Select(c => $"{key}: {c} {row.Item2[Array.IndexOf(Columns, c)]}, expected {values[Array.IndexOf(Columns, c)]}"));
        }

        problems.AddRange(byKey.Keys.Where(k => !expected.ContainsKey(k)).Select(k => $"extra {k}"));
        foreach (var channel in new[] { "Paid Social", "Paid Search", "Email" })
        {
            var rows = expected.Where(e => e.Key.Level == "channel" && e.Key.Channel == channel).Select(e => e.Value.Values).ToList();
            TestContext.Progress.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"reconciliation {channel}: claimed leads {rows.Sum(v => v[0] ?? 0):0} vs CRM {rows.Sum(v => v[3]):0}, claimed value {rows.Sum(v => v[2] ?? 0):0} vs CRM revenue {rows.Sum(v => v[5]):0}"));
        }

        Assert.That(expected.Keys.Count(k => k.Level == "campaign"), Is.GreaterThan(0));
        Assert.That(problems.Take(20), Is.Empty, $"{problems.Count} problems");
    }

    [Test]
    public void Crm_side_is_the_marts_own_leads_customers_and_revenue_never_the_claims()
    {
        // Channel rows: CRM columns equal mart.kpi_values' leads, new_customers and revenue of the month and channel,
        // whatever the platforms claim there (claimed figures are beside them, never added).
        var rows = Query(
            """
            SELECT r.month, r.channel, r.crm_leads, r.crm_new_customers, r.crm_revenue, r.claimed_value,
                   max(CASE WHEN k.kpi_id = 'leads' THEN k.value END), max(CASE WHEN k.kpi_id = 'new_customers' THEN k.value END),
                   max(CASE WHEN k.kpi_id = 'revenue' THEN k.value END)
            FROM mart.attribution_reconciliation AS r
            LEFT JOIN mart.kpi_values AS k
              ON k.grain = 'month' AND k.period_start = r.month AND k.segment_type = 'channel' AND k.segment = r.channel
             AND k.kpi_id IN ('leads', 'new_customers', 'revenue')
            WHERE r.level = 'channel'
            GROUP BY ALL
            """);
        Assert.That(rows.Where(r => Dbl(r[5]) > 0), Is.Not.Empty, "some channel has claimed value");
        Assert.Multiple(() =>
        {
            foreach (var r in rows)
            {
                Assert.That(Dbl(r[2]), Is.EqualTo(Dbl(r[6]) ?? 0).Within(1e-6), $"leads {r[0]} {r[1]}");
                Assert.That(Dbl(r[3]), Is.EqualTo(Dbl(r[7]) ?? 0).Within(1e-6), $"new customers {r[0]} {r[1]}");
                Assert.That(Dbl(r[4]), Is.EqualTo(Dbl(r[8]) ?? 0).Within(0.01), $"revenue {r[0]} {r[1]}");
            }
        });
    }

    private static Dictionary<(DateOnly Month, string Level, string? Channel, string? Campaign), (string? Claimer, double?[] Values)> Expected()
    {
        var sums = new Dictionary<(DateOnly, string?, string?), Sums>();
        void Add(DateOnly day, string channel, string? campaign, Action<Sums> add)
        {
            // Every fact counts in its channel row, and in its campaign row when it has a campaign.
            foreach (var key in campaign is null ? [(Month(day), channel, null)] : new[] { (Month(day), channel, (string?)null), (Month(day), channel, campaign) })
            {
                if (!sums.TryGetValue(key, out var s))
                {
                    s = new Sums();
                    sums[key] = s;
                }

                add(s);
            }
        }

        var truth = MartsFixture.SandboxWorld.Truth;
        var fx = Reference.Fx;
        var currencies = truth.MetaAccounts.ToDictionary(a => a.AccountId, a => a.Currency, StringComparer.Ordinal);
        for (var d = World.StartDate; d <= World.EndDate; d = d.AddDays(1))
        {
            foreach (var f in truth.MetaAdDays(d))
            {
                var rate = fx.Rate(currencies[f.AccountId], d) ?? 0;
                var v = f.Delivery;
                Add(d, "Paid Social", f.CampaignName, s =>
                {
                    s.MetaRows++;
                    s.MetaLeads += v.Leads7dClick + v.Leads1dView;
                    s.MetaPurchases += v.Purchases7dClick + v.Purchases1dView;
                    s.MetaValue += (v.PurchaseValueCents7dClick + v.PurchaseValueCents1dView) / 100m * rate;
                });
            }

            var ga4Rate = fx.Rate(truth.Ga4Property.Currency, d) ?? 0;
            foreach (var g in truth.Ga4Segments(d))
            {
                var campaign = (g.Campaign.Trim().ToLowerInvariant() is "(direct)" or "(organic)" or "(referral)" or "(not set)" or "(none)" or "") ? null : g.Campaign;
                Add(d, g.Channel, campaign, s =>
                {
                    s.Ga4Rows++;
                    s.Ga4Leads += g.KeyEvents;
                    s.Ga4Purchases += g.Transactions;
                    s.Ga4Value += g.PurchaseRevenueCents / 100m * ga4Rate;
                });
            }
        }

        foreach (var c in truth.HubSpotContacts().Where(c => !c.Archived))
        {
            var leadAt = c.LeadDate ?? (c.LifecycleStage is "lead" or "marketingqualifiedlead" or "salesqualifiedlead" or "opportunity" or "customer" or "evangelist" ? c.CreateDate : null);
            if (leadAt is { } at)
            {
                var touch = AttributionReference.Contacts[c.Id];
                Add(ReferenceKpis.LocalDate(at), touch.Channel, touch.Campaign, s => s.CrmLeads++);
            }
        }

        var deals = truth.HubSpotDealFacts().Where(d => !d.Archived).ToDictionary(d => d.Id);
        foreach (var deal in deals.Values.Where(d => d.IsWon && d.CloseDate is not null))
        {
            var touch = AttributionReference.DealTouch(deal);
            var closed = ReferenceKpis.LocalDate(deal.CloseDate!.Value);
            var amount = (deal.Amount ?? 0) * (fx.Rate(deal.Currency ?? "EUR", closed) ?? 0);
            Add(closed, touch.Channel, touch.Campaign, s => s.CrmRevenue += amount);
        }

        foreach (var first in Reference.Customers.Values.Select(c => c[0]))
        {
            var touch = AttributionReference.DealTouch(deals[first.DealId]);
            Add(first.Closed, touch.Channel, touch.Campaign, s => s.CrmCustomers++);
        }

        return sums.ToDictionary(
            e => (e.Key.Item1, e.Key.Item3 is null ? "channel" : "campaign", e.Key.Item2, e.Key.Item3),
            e => e.Value.Row());
    }

    private static DateOnly Month(DateOnly d) => new(d.Year, d.Month, 1);

    private sealed class Sums
    {
        public int MetaRows;
        public int Ga4Rows;
        public decimal MetaLeads, MetaPurchases, MetaValue, Ga4Leads, Ga4Purchases, Ga4Value, CrmLeads, CrmCustomers, CrmRevenue;

        public (string? Claimer, double?[] Values) Row()
        {
            var claimer = MetaRows > 0 ? "meta" : Ga4Rows > 0 ? "ga4" : null;
            double? leads = claimer switch { "meta" => (double)MetaLeads, "ga4" => (double)Ga4Leads, _ => null };
            double? purchases = claimer switch { "meta" => (double)MetaPurchases, "ga4" => (double)Ga4Purchases, _ => null };
            double? value = claimer switch { "meta" => (double)MetaValue, "ga4" => (double)Ga4Value, _ => null };
            return (claimer,
            [
                leads, purchases, value, (double)CrmLeads, (double)CrmCustomers, (double)CrmRevenue,
                Ratio(CrmLeads, leads), Ratio(CrmCustomers, purchases), Ratio(CrmRevenue, value),
            ]);
        }

        private static double? Ratio(decimal crm, double? claimed) => claimed is { } c && c != 0 ? (double)crm / c : null;
    }
}
