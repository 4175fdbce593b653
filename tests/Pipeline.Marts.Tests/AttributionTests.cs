using System.Globalization;
using System.Text;
using Pipeline.Sandbox.World;
using static Pipeline.Marts.Tests.MartsFixture;

namespace Pipeline.Marts.Tests;

/// <summary>
/// One declared attribution model (Reporting:Attribution, dw.settings.attribution_model) for deals, revenue and new
/// customers; HubSpot campaigns only from documented drill-downs or UTM data; one customer definition in the funnel.
/// Expected values come from AttributionReference (the world's HubSpot records), not from the warehouse's SQL.
/// </summary>
public sealed class AttributionTests
{
    [Test]
    public void First_touch_counts_a_deal_whose_source_differs_from_its_customer_under_the_customers_channel()
    {
        var deals = MartsFixture.SandboxWorld.Truth.HubSpotDealFacts().Where(d => !d.Archived).ToList();
        var differing = deals.Where(d => d.IsWon && AttributionReference.DealChannel(d) != ReferenceKpis.HubSpotChannel(d.OriginalSource)).ToList();
        TestContext.Progress.WriteLine($"attribution: {differing.Count} of {deals.Count(d => d.IsWon)} won deals have a source other than their customer's first touch");
        Assert.That(differing, Is.Not.Empty, "the world has won deals whose own source is not their customer's first touch");

        var actual = Query("SELECT deal_id, channel, deal_source_channel FROM dw.fact_deal")
            .ToDictionary(r => long.Parse((string)r[0]!, CultureInfo.InvariantCulture), r => ((string)r[1]!, (string)r[2]!));
        Assert.Multiple(() =>
        {
            foreach (var d in differing)
            {
                Assert.That(actual[d.Id], Is.EqualTo((AttributionReference.DealChannel(d), ReferenceKpis.HubSpotChannel(d.OriginalSource))), $"deal {d.Id}");
            }

            Assert.That(deals.Count(d => actual[d.Id].Item1 != AttributionReference.DealChannel(d)), Is.Zero, "every deal under its customer's first touch");
        });
    }

    [Test]
    public void First_touch_counts_every_won_deal_of_a_customer_in_its_acquisition_channel()
    {
        var mixed = Query(
            """
            SELECT count(*) FROM dw.fact_deal AS d JOIN dw.dim_customer AS c ON c.customer_key = d.customer_key
            WHERE d.is_won AND d.channel IS DISTINCT FROM c.acquisition_channel
            """);
        var customers = Query("SELECT customer_key, acquisition_channel FROM dw.dim_customer").ToDictionary(r => (string)r[0]!, r => (string)r[1]!);
        var expected = Reference.Customers.ToDictionary(c => c.Key, c => c.Value[0].Channel);

        Assert.That(Convert.ToInt64(mixed[0][0], CultureInfo.InvariantCulture), Is.Zero, "won revenue and new customers use one channel per customer");
        Assert.That(customers, Is.EquivalentTo(expected));
    }

    [Test]
    public void Deal_source_counts_each_deal_under_its_own_source_and_each_customer_under_its_first_won_deals()
    {
        var deals = MartsFixture.SandboxWorld.Truth.HubSpotDealFacts().Where(d => !d.Archived).ToDictionary(d => d.Id);
        var (fact, customers) = WithAttributionModel(AttributionReference.DealSource, () => (
            Query("SELECT deal_id, channel FROM dw.fact_deal").ToDictionary(r => long.Parse((string)r[0]!, CultureInfo.InvariantCulture), r => (string)r[1]!),
            Query("SELECT customer_key, acquisition_channel FROM dw.dim_customer").ToDictionary(r => (string)r[0]!, r => (string)r[1]!)));
        var firstTouch = Query("SELECT deal_id, channel FROM dw.fact_deal").ToDictionary(r => long.Parse((string)r[0]!, CultureInfo.InvariantCulture), r => (string)r[1]!);

        var expectedCustomers = Reference.Customers.ToDictionary(c => c.Key, c => AttributionReference.DealChannel(deals[c.Value[0].DealId], AttributionReference.DealSource));
        Assert.Multiple(() =>
        {
            Assert.That(fact, Is.EquivalentTo(deals.Values.ToDictionary(d => d.Id, d => AttributionReference.DealChannel(d, AttributionReference.DealSource))));
            Assert.That(customers, Is.EquivalentTo(expectedCustomers));
            Assert.That(fact.Count(f => f.Value != firstTouch[f.Key]), Is.GreaterThan(0), "the two models differ on this world");
            Assert.That(Query("SELECT attribution_model FROM dw.settings")[0][0], Is.EqualTo(AttributionReference.FirstTouch), "the switch was rolled back");
        });
    }

    [Test]
    public void A_paid_social_ad_id_in_drill_down_2_is_never_a_campaign()
    {
        var crm = MartsFixture.SandboxWorld.Crm;
        var paidSocial = Enumerable.Range(0, crm.Count(CrmObjectType.Contacts))
            .Select(i => crm.Properties(CrmObjectType.Contacts, i))
            .Where(p => p["hs_analytics_source"] == "PAID_SOCIAL")
            .ToList();
        var adIds = paidSocial.Select(p => p["hs_analytics_source_data_2"]!).ToHashSet(StringComparer.Ordinal);
        Assert.That(adIds, Is.Not.Empty.And.All.Matches<string>(id => id.All(char.IsAsciiDigit)), "paid social drill-down 2 holds ad ids");

        var campaigns = Query(
            """
            SELECT segment FROM mart.kpi_values WHERE segment_type = 'campaign'
            UNION SELECT campaign FROM dw.fact_lead WHERE campaign IS NOT NULL
            UNION SELECT campaign FROM dw.fact_deal WHERE campaign IS NOT NULL
            UNION SELECT acquisition_campaign FROM dw.dim_customer WHERE acquisition_campaign IS NOT NULL
            UNION SELECT campaign FROM mart.attribution_reconciliation WHERE campaign IS NOT NULL
            """).Select(r => (string)r[0]!).ToHashSet(StringComparer.Ordinal);
        var metaCampaigns = MartsFixture.SandboxWorld.Meta.Ads.ToDictionary(a => a.Id, a => a.Campaign.Name, StringComparer.Ordinal);
        var leadCampaigns = Query("SELECT contact_id, campaign FROM dw.fact_lead WHERE stage = 'lead' AND campaign IS NOT NULL AND channel = 'Paid Social'")
            .ToDictionary(r => (string)r[0]!, r => (string)r[1]!);
        var expected = paidSocial.Where(p => leadCampaigns.ContainsKey(p["hs_object_id"]!))
            .ToDictionary(p => p["hs_object_id"]!, p => metaCampaigns[p["hs_analytics_source_data_2"]!]);

        Assert.Multiple(() =>
        {
            Assert.That(campaigns.Intersect(adIds), Is.Empty, "no campaign segment is an ad id");
            Assert.That(leadCampaigns, Is.Not.Empty.And.EquivalentTo(expected), "paid social leads carry their ad's Meta campaign from utm_campaign");
        });
    }

    [TestCase("SOCIAL_MEDIA", null, "120214583921110611", null, null, TestName = "An id in a documented drill-down is no campaign")]
    [TestCase("PAID_SOCIAL", "facebook", "120214583921110611", null, null, TestName = "Paid social drill-down 2 without UTM data gives no campaign")]
    [TestCase("PAID_SOCIAL", "facebook", "120214583921110611", "https://x.example/lp?utm_source=fb&utm_campaign=Spring+Sale&utm_id=7", "Spring Sale", TestName = "Paid social takes utm_campaign of the first page")]
    [TestCase("SOCIAL_MEDIA", "linkedin.com", "launch_2026", null, "launch_2026", TestName = "Organic social drill-down 2 is the campaign")]
    [TestCase("PAID_SEARCH", "Search_Brand_DE", "led lamp", null, "Search_Brand_DE", TestName = "Paid search drill-down 1 is the campaign, drill-down 2 the keyword")]
    [TestCase("OFFLINE", "INTEGRATION", "1234567", "https://x.example/?utm_campaign=fair_2026#top", "fair_2026", TestName = "Offline app ids are skipped for UTM data")]
    [TestCase("ORGANIC_SEARCH", "led lamp", "www.google.com", null, null, TestName = "Organic search drill-downs are no campaign")]
    public void Crm_touch_reads_the_campaign_hubspot_documents(string source, string? d1, string? d2, string? url, string? campaign)
    {
        Assert.That(AttributionReference.Campaign(source, d1, d2, url), Is.EqualTo(campaign), "the reference agrees");
        var actual = InTransaction(() =>
        {
            Query(
                """
                INSERT INTO staging.hubspot_contacts
                SELECT * REPLACE ('attr-test-1' AS id, CAST($source AS VARCHAR) AS hs_analytics_source, CAST($d1 AS VARCHAR) AS hs_analytics_source_data_1,
                                  CAST($d2 AS VARCHAR) AS hs_analytics_source_data_2, CAST($url AS VARCHAR) AS hs_analytics_first_url)
                FROM staging.hubspot_contacts LIMIT 1
                """,
                ("source", source), ("d1", (object?)d1 ?? DBNull.Value), ("d2", (object?)d2 ?? DBNull.Value), ("url", (object?)url ?? DBNull.Value));
            return Query("SELECT campaign FROM dw.crm_touch WHERE object_type = 'contact' AND object_id = 'attr-test-1'").Single()[0];
        });

        Assert.That(actual, Is.EqualTo(campaign));
    }

    [Test]
    public void Lead_campaigns_follow_the_documented_drill_down_else_the_first_pages_utm_campaign()
    {
        var actual = Query("SELECT contact_id, campaign FROM dw.fact_lead WHERE stage = 'lead'")
            .ToDictionary(r => long.Parse((string)r[0]!, CultureInfo.InvariantCulture), r => (string?)r[1]);
        var expected = actual.Keys.ToDictionary(id => id, id => AttributionReference.Contacts[id].Campaign);

        Assert.That(actual.Values.Count(c => c is not null), Is.GreaterThan(0));
        Assert.That(actual, Is.EquivalentTo(expected));
    }

    [Test]
    public void Funnel_cohort_customers_are_the_new_customers_customers_by_their_first_lead()
    {
        // Customers: the reference's (first company, else contact, else deal) with the channel of their first won
        // deal; their contacts: those of the company, or the contact itself; the cohort: the month of the first lead.
        var deals = MartsFixture.SandboxWorld.Truth.HubSpotDealFacts().ToDictionary(d => d.Id);
        var leadMonth = MartsFixture.SandboxWorld.Truth.HubSpotContacts().Where(c => !c.Archived)
            .Select(c => (c.Id, LeadAt: c.LeadDate ?? (c.LifecycleStage is "lead" or "marketingqualifiedlead" or "salesqualifiedlead" or "opportunity" or "customer" or "evangelist" ? c.CreateDate : null)))
            .Where(x => x.LeadAt is not null)
            .ToDictionary(x => x.Id, x => ReferenceKpis.LocalDate(x.LeadAt!.Value));
        var contactsOf = leadMonth.Keys
            .SelectMany(id => new[] { "contact:" + id }.Concat(AttributionReference.CompanyOfContact[id] is { } co ? ["company:" + co] : Array.Empty<string>()).Select(k => (Key: k, Contact: id)))
            .ToLookup(x => x.Key, x => x.Contact);
        var cohortCustomers = Reference.Customers
            .Where(c => contactsOf[c.Key].Any())
            .Select(c => (Month: Month(contactsOf[c.Key].Min(id => leadMonth[id])), Channel: AttributionReference.DealChannel(deals[c.Value[0].DealId])))
            .ToList();
        var cohortLeads = leadMonth.Select(l => (Month: Month(l.Value), AttributionReference.Contacts[l.Key].Channel)).ToList();

        var expected = new Dictionary<(DateOnly, string), (double Leads, double Customers)>();
        void Count((DateOnly Month, string Channel) x, bool customer)
        {
            foreach (var key in new[] { (x.Month, ReferenceKpis.All), (x.Month, x.Channel) })
            {
                var (l, c) = expected.GetValueOrDefault(key);
                expected[key] = customer ? (l, c + 1) : (l + 1, c);
            }
        }

        cohortLeads.ForEach(l => Count(l, customer: false));
        cohortCustomers.ForEach(c => Count(c, customer: true));
        var actual = Query("SELECT period_start, channel, cohort_leads, cohort_customers, lead_to_customer_rate FROM mart.funnel_monthly WHERE cohort_leads > 0 OR cohort_customers > 0")
            .ToDictionary(r => (Date(r[0]), (string)r[1]!), r => (Leads: Dbl(r[2])!.Value, Customers: Dbl(r[3])!.Value, Rate: Dbl(r[4])));

        Assert.That(cohortCustomers, Has.Count.GreaterThan(0).And.Count.LessThanOrEqualTo(Reference.Customers.Count));
        Assert.That(actual.Keys, Is.EquivalentTo(expected.Keys));
        Assert.Multiple(() =>
        {
            foreach (var (key, (leads, customers)) in expected)
            {
                Assert.That((actual[key].Leads, actual[key].Customers), Is.EqualTo((leads, customers)), $"{key}");
                Assert.That(actual[key].Rate, leads == 0 ? Is.Null : Is.EqualTo(customers / leads).Within(1e-9), $"{key} rate");
            }
        });
    }

    private static DateOnly Month(DateOnly d) => new(d.Year, d.Month, 1);

    /// <summary>Runs <paramref name="read"/> inside a transaction that is rolled back: the test warehouse stays as the fixture built it.</summary>
    private static T InTransaction<T>(Func<T> read)
    {
        Query("BEGIN TRANSACTION");
        try
        {
            return read();
        }
        finally
        {
            Query("ROLLBACK");
        }
    }

    /// <summary>
    /// Reads the marts under another attribution model: dw.settings republished (as a migrate with that
    /// Reporting:Attribution would) with every other setting unchanged, inside a rolled-back transaction.
    /// </summary>
    private static T WithAttributionModel<T>(string model, Func<T> read)
    {
        var columns = Query("SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'dw' AND table_name = 'settings' ORDER BY ordinal_position")
            .Select(r => ((string)r[0]!, (string)r[1]!)).ToList();
        var values = Query("SELECT " + string.Join(", ", columns.Select(c => $"CAST({c.Item1} AS VARCHAR)")) + " FROM dw.settings").Single();
        var select = new StringBuilder("CREATE OR REPLACE VIEW dw.settings AS SELECT ");
        select.AppendJoin(", ", columns.Select((c, i) =>
        {
            var value = c.Item1 == "attribution_model" ? model : (string?)values[i];
            return value is null ? $"CAST(NULL AS {c.Item2}) AS {c.Item1}" : $"CAST('{value.Replace("'", "''", StringComparison.Ordinal)}' AS {c.Item2}) AS {c.Item1}";
        }));
        return InTransaction(() =>
        {
            Query(select.ToString());
            // The marts are tables: recompute them under the republished setting, as migrate would.
            foreach (var statement in MartTables.RebuildStatements())
            {
                Query(statement);
            }

            return read();
        });
    }
}
