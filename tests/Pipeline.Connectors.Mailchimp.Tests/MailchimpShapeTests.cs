using Microsoft.Extensions.DependencyInjection;
using Pipeline.Connectors.Conformance;
using Pipeline.Sandbox.World;

namespace Pipeline.Connectors.Mailchimp.Tests;

/// <summary>Response shapes the real API sends and the sandbox does not: absent keys are absent, not null.</summary>
public sealed class MailchimpShapeTests
{
    [Test]
    public async Task Pages_without_their_collection_array_load_nothing_instead_of_crashing()
    {
        await using var h = await StartRewritingAsync(["lists", "campaigns", "reports", "activity", "members", "unsubscribes"]);

        var summaries = await h.SyncAsync("r1");

        Assert.That(summaries.Errors(), Is.Empty);
        foreach (var stream in MailchimpStreams.All)
        {
            Assert.That(await h.ScalarAsync<long>($"SELECT count(*) FROM staging.{stream.TableName}"), Is.Zero, stream.TableName);
        }

        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM etl.rejected_records"), Is.Zero);
    }

    [Test]
    public async Task Pages_without_total_items_still_read_every_page()
    {
        // The harness pages by 100 and each list has hundreds of members, so a missing total must not end paging.
        await using var h = await StartRewritingAsync(["total_items"]);

        var summaries = await h.SyncAsync("r1");

        Assert.That(summaries.Errors(), Is.Empty);
        Assert.That(h.Sandbox.World.Mailchimp.Lists.Max(l => l.MemberTotal), Is.GreaterThan(100));
        await MailchimpConnectorTests.AssertTruthAsync(h);
    }

    [Test]
    public async Task Reports_without_their_sub_objects_load_with_nulls()
    {
        await using var h = await StartRewritingAsync(["reports.opens", "reports.clicks", "reports.bounces", "reports.ecommerce"]);

        var summaries = await h.SyncAsync("r1");

        Assert.That(summaries.Errors(), Is.Empty);
        var sent = h.Sandbox.World.Mailchimp.Campaigns.Count(c => c.SendTime is not null);
        Assert.That(await h.ScalarAsync<long>(
            """
            SELECT count(*) FROM staging.mailchimp_campaign_reports
            WHERE emails_sent > 0 AND unique_opens IS NULL AND clicks_total IS NULL AND hard_bounces IS NULL
              AND ecommerce_total_orders IS NULL AND proxy_excluded_unique_opens IS NULL
            """), Is.EqualTo(sent));
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM etl.rejected_records"), Is.Zero);
    }

    [Test]
    public async Task Human_opens_load_from_the_proxy_excluded_figures_null_where_the_report_lacks_them()
    {
        await using var h = await MailchimpHarness.StartAsync(configure: (o, _) => o.ReportRereadDays = 30);
        Assert.That((await h.SyncAsync("r1")).Errors(), Is.Empty);
        AssertHumanOpens(await LoadedAsync(h), h.Sandbox.World);

        h.Sandbox.World.AdvanceReadGeneration(); // late opens, human ones among them
        h.Clock.Advance(TimeSpan.FromHours(6));
        Assert.That((await h.SyncAsync("r2")).Errors(), Is.Empty);

        var after = await LoadedAsync(h);
        AssertHumanOpens(after, h.Sandbox.World);
        Assert.That(after.Values.Count(r => r.UniqueOpens is null), Is.GreaterThan(0), "the oldest report has no proxy_excluded figures: NULL, not 0");
        Assert.That(after.Values.Count(r => r.UniqueOpens is not null), Is.GreaterThan(0));
    }

    private static void AssertHumanOpens(Dictionary<string, HumanOpens> loaded, SandboxWorld world)
    {
        foreach (var c in world.Mailchimp.Campaigns.Where(c => c.SendTime is not null))
        {
            var truth = world.Truth.MailchimpReport(c.Id)!;
            var row = loaded[c.Id];
            Assert.That(row.UniqueOpens, Is.EqualTo(truth.ProxyExcludedUniqueOpens), c.Title);
            Assert.That(row.Opens, Is.EqualTo(truth.ProxyExcludedOpens), c.Title);
            if (truth.ProxyExcludedOpenRate is { } rate)
            {
                Assert.That(row.OpenRate, Is.EqualTo(rate).Within(1e-12), c.Title);
            }
            else
            {
                Assert.That(row.OpenRate, Is.Null, c.Title);
            }

            if (row.UniqueOpens is { } human)
            {
                Assert.That(human, Is.LessThan(row.RawUniqueOpens), $"{c.Title}: human opens are a part of all opens");
            }
        }
    }

    private static async Task<Dictionary<string, HumanOpens>> LoadedAsync(ConformanceHarness h) =>
        (await h.QueryAsync<HumanOpens>(
            "SELECT campaign_id AS Id, proxy_excluded_opens AS Opens, proxy_excluded_unique_opens AS UniqueOpens, proxy_excluded_open_rate AS OpenRate, unique_opens AS RawUniqueOpens FROM staging.mailchimp_campaign_reports"))
        .ToDictionary(r => r.Id);

    private static Task<ConformanceHarness> StartRewritingAsync(string[] keys) =>
        MailchimpHarness.StartAsync(services: (s, o) => s.AddHttpClient(MailchimpSource.ClientName(o.Accounts[0])).AddHttpMessageHandler(() => new KeyRemovingHandler(keys)));
}

internal sealed record HumanOpens(string Id, long? Opens, long? UniqueOpens, double? OpenRate, long RawUniqueOpens);

/// <summary>Removes keys (as <see cref="JsonKeys.Remove"/> names them) from every successful data page.</summary>
internal sealed class KeyRemovingHandler(string[] keys) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return response;
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        response.Content = new StringContent(JsonKeys.Remove(body, keys), System.Text.Encoding.UTF8, "application/json");
        return response;
    }
}
