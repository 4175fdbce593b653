using static Pipeline.Marts.Tests.MartsFixture;

namespace Pipeline.Marts.Tests;

/// <summary>
/// Paid Search gets its cost from the Google Ads account linked to GA4, and email gets an open rate without Apple Mail
/// Privacy Protection machine opens: both read straight against the sandbox world's ground truth.
/// </summary>
public sealed class PaidSearchAndHumanOpensTests
{
    [Test]
    public void Paid_search_cost_clicks_and_cpc_per_month_equal_the_linked_google_ads_account()
    {
        var truth = SandboxWorld.Truth;
        Assert.That(truth.GoogleAdsLinked, Is.True, "the demo world links Google Ads to its GA4 property");
        var months = Enumerable.Range(0, World.EndDate.DayNumber - World.StartDate.DayNumber + 1)
            .Select(i => World.StartDate.AddDays(i))
            .GroupBy(d => new DateOnly(d.Year, d.Month, 1));
        foreach (var month in months)
        {
            var cost = month.Sum(d => truth.GoogleAdsCost(d));
            var clicks = month.Sum(d => truth.GoogleAdsClicks(d));
            Assert.That(cost, Is.GreaterThan(0m), $"{month.Key:yyyy-MM}: Google Ads spent in the month");

            var cpc = Mart[new KpiKey("cpc", "month", month.Key, "channel", "Paid Search")];
            Assert.That(cpc.Numerator, Is.EqualTo(cost), $"{month.Key:yyyy-MM}: Paid Search spend");
            Assert.That(cpc.Denominator, Is.EqualTo((decimal)clicks), $"{month.Key:yyyy-MM}: Paid Search clicks");
            Assert.That(cpc.Value, Is.EqualTo((double)(cost / clicks)).Within(1e-9), $"{month.Key:yyyy-MM}: Paid Search CPC");
        }
    }

    [Test]
    public void Each_google_ads_campaign_has_its_own_cost_under_its_conformed_name()
    {
        var truth = SandboxWorld.Truth;
        var days = Enumerable.Range(0, World.EndDate.DayNumber - World.StartDate.DayNumber + 1).Select(i => World.StartDate.AddDays(i)).ToList();
        foreach (var campaign in truth.GoogleAdsCampaigns)
        {
            var expected = days.Sum(d => truth.GoogleAdsCost(d, campaign.Id));
            var actual = Query(
                "SELECT sum(numerator) FROM mart.kpi_values WHERE kpi_id = 'cpc' AND grain = 'day' AND segment_type = 'campaign' AND segment = $campaign",
                ("campaign", campaign.Name)).Single()[0];
            Assert.That(Dec(actual), Is.EqualTo(expected), $"{campaign.Name}: spend over the world");
        }
    }

    [Test]
    public void The_executive_dashboard_gives_paid_search_a_marketing_cost_and_an_roi()
    {
        var rows = Query("SELECT marketing_cost, roi FROM mart.dashboard_executive WHERE channel = 'Paid Search' AND grain = 'month' AND marketing_cost > 0");
        Assert.That(rows, Is.Not.Empty, "Paid Search is costed in some month");
        Assert.That(rows.Where(r => r[1] is not null), Is.Not.Empty, "a costed Paid Search month has an ROI");
    }

    [Test]
    public void The_human_open_rate_counts_only_campaigns_that_report_opens_without_machine_opens()
    {
        var sent = SandboxWorld.Truth.MailchimpSentCampaigns();
        var withHuman = sent.Where(c => c.Stats.ProxyExcludedUniqueOpens is not null).ToList();
        Assert.That(withHuman, Is.Not.Empty, "recent campaigns report human opens");
        Assert.That(withHuman, Has.Count.LessThan(sent.Count), "the oldest campaign reports none (as Mailchimp before September 2021)");

        var row = Query($"SELECT numerator, denominator, value FROM mart.kpi_over_range(DATE '{World.StartDate:yyyy-MM-dd}', DATE '{World.EndDate.AddDays(30):yyyy-MM-dd}') WHERE kpi_id = 'email_open_rate_human' AND segment_type = 'all'").Single();
        var opens = withHuman.Sum(c => c.Stats.ProxyExcludedUniqueOpens!.Value);
        var delivered = withHuman.Sum(c => c.Stats.EmailsSent - c.Stats.HardBounces - c.Stats.SoftBounces);
        Assert.That(Dec(row[0]), Is.EqualTo((decimal)opens));
        Assert.That(Dec(row[1]), Is.EqualTo((decimal)delivered), "delivered of those campaigns only");
        var raw = Query($"SELECT value FROM mart.kpi_over_range(DATE '{World.StartDate:yyyy-MM-dd}', DATE '{World.EndDate.AddDays(30):yyyy-MM-dd}') WHERE kpi_id = 'email_open_rate' AND segment_type = 'all'").Single()[0];
        Assert.That(Dbl(row[2]), Is.LessThan(Dbl(raw)!.Value), "machine opens inflate the raw open rate");
    }
}
