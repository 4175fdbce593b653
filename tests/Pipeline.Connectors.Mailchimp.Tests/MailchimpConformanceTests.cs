using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Connectors.Conformance;
using Pipeline.Sandbox;
using Pipeline.Sandbox.World;

namespace Pipeline.Connectors.Mailchimp.Tests;

/// <summary>The shared connector conformance kit, run for Mailchimp.</summary>
public sealed partial class MailchimpConformanceTests : ConnectorConformanceTests
{
    protected override SandboxApi Api => SandboxApi.Mailchimp;

    protected override void AddSource(IServiceCollection services, SandboxServer sandbox) =>
        services.AddMailchimpSource(MailchimpHarness.DefaultOptions(sandbox));

    protected override IEnumerable<TruthCheck> TruthChecks(SandboxWorld world) => MailchimpTruth.Checks(world);

    /// <summary>
    /// An empty collection as Mailchimp documents it: the collection's array empty and <c>total_items</c> 0; the
    /// page's other keys (<c>list_id</c>, <c>campaign_id</c>, <c>_links</c>, <c>constraints</c>) stay. The account root
    /// (<c>GET /</c>) is not a collection and passes unchanged.
    /// </summary>
    protected override string? EmptyResponse(HttpRequestMessage request, string responseBody)
    {
        if (System.Text.Json.Nodes.JsonNode.Parse(responseBody) is not System.Text.Json.Nodes.JsonObject page || !page.ContainsKey("total_items"))
        {
            return null;
        }

        foreach (var name in page.Where(p => p.Value is System.Text.Json.Nodes.JsonArray && p.Key != "_links").Select(p => p.Key).ToList())
        {
            page[name] = new System.Text.Json.Nodes.JsonArray();
        }

        page["total_items"] = 0;
        return page.ToJsonString();
    }

    /// <summary>
    /// What Mailchimp's docs show missing in practice: <c>_links</c> (absent when <c>fields</c> trims them),
    /// <c>total_items</c> (likewise), <c>ecommerce</c> (accounts without a connected store), the
    /// <c>proxy_excluded_*</c> opens (campaigns sent before Apple MPP counting), <c>last_open</c>/<c>last_click</c>
    /// (no opens or clicks yet), <c>syntax_errors</c>, campaign <c>settings.subject_line</c> (plain-text and
    /// some automation campaigns), <c>tracking</c> (no Google Analytics link), <c>recipients</c> (a deleted audience),
    /// list stats' unset dates, a member's <c>source</c>/<c>member_rating</c>, an unsubscribe's <c>reason</c>.
    /// </summary>
    protected override IReadOnlyCollection<string> OptionalKeys =>
    [
        "_links", "total_items", "ecommerce",
        "opens.proxy_excluded_opens", "opens.proxy_excluded_unique_opens", "opens.proxy_excluded_open_rate",
        "opens.last_open", "clicks.last_click", "bounces.syntax_errors",
        "settings.subject_line", "tracking", "recipients",
        "stats.campaign_last_sent", "stats.last_sub_date", "stats.last_unsub_date",
        "members.source", "members.member_rating", "unsubscribes.reason",
    ];

    /// <summary>A member's opt-in time arrives as "n/a" (only member pages carry <c>timestamp_opt</c>).</summary>
    protected override string CorruptOneRecord(string responseBody) =>
        OptInTime().Replace(responseBody, "\"timestamp_opt\":\"n/a\"", 1);

    [GeneratedRegex("\"timestamp_opt\"\\s*:\\s*\"[^\"]+\"")]
    private static partial Regex OptInTime();
}

/// <summary>Staging totals that must equal what the sandbox world serves (at its current read generation).</summary>
internal static class MailchimpTruth
{
    public static IEnumerable<TruthCheck> Checks(SandboxWorld world, string? accountId = null)
    {
        var mc = world.Mailchimp;
        var account = accountId is null ? "" : $" AND _account_id = '{accountId}'";
        var sent = mc.Campaigns.Where(c => c.SendTime is not null).Select(c => (Campaign: c, Report: world.Truth.MailchimpReport(c.Id)!)).ToList();

        yield return new("campaigns", $"SELECT count(*) FROM staging.mailchimp_campaigns WHERE true{account}", mc.Campaigns.Count);
        yield return new("campaigns emails_sent", $"SELECT sum(emails_sent) FROM staging.mailchimp_campaigns WHERE true{account}", mc.Campaigns.Sum(c => c.EmailsSent));
        yield return new("reports", $"SELECT count(*) FROM staging.mailchimp_campaign_reports WHERE true{account}", sent.Count);
        foreach (var (c, r) in sent)
        {
            var where = $"FROM staging.mailchimp_campaign_reports WHERE campaign_id = '{c.Id}'{account}";
            yield return new($"{c.Title} unique_opens", $"SELECT unique_opens {where}", r.UniqueOpens);
            yield return new($"{c.Title} opens_total", $"SELECT opens_total {where}", r.OpensTotal);
            yield return new($"{c.Title} clicks_total", $"SELECT clicks_total {where}", r.ClicksTotal);
            yield return new($"{c.Title} unique_subscriber_clicks", $"SELECT unique_subscriber_clicks {where}", r.UniqueSubscriberClicks);
            yield return new($"{c.Title} orders", $"SELECT ecommerce_total_orders {where}", r.TotalOrders);
            yield return new($"{c.Title} revenue", $"SELECT ecommerce_total_revenue {where}", r.TotalRevenueCents / 100m);
            // Human opens: the truth is null where the report lacks the keys, and the staged value must be NULL then.
            yield return new($"{c.Title} proxy_excluded_unique_opens", $"SELECT coalesce(proxy_excluded_unique_opens, -1) {where}", r.ProxyExcludedUniqueOpens ?? -1);
            yield return new($"{c.Title} proxy_excluded_opens", $"SELECT coalesce(proxy_excluded_opens, -1) {where}", r.ProxyExcludedOpens ?? -1);
        }

        yield return new(
            "reports without proxy_excluded figures",
            $"SELECT count(*) FROM staging.mailchimp_campaign_reports WHERE proxy_excluded_unique_opens IS NULL AND proxy_excluded_opens IS NULL AND proxy_excluded_open_rate IS NULL{account}",
            sent.Count(s => s.Report.ProxyExcludedUniqueOpens is null));

        yield return new("reports emails_sent", $"SELECT sum(emails_sent) FROM staging.mailchimp_campaign_reports WHERE true{account}", sent.Sum(s => s.Report.EmailsSent));
        yield return new("reports hard_bounces", $"SELECT sum(hard_bounces) FROM staging.mailchimp_campaign_reports WHERE true{account}", sent.Sum(s => s.Report.HardBounces));
        yield return new("reports soft_bounces", $"SELECT sum(soft_bounces) FROM staging.mailchimp_campaign_reports WHERE true{account}", sent.Sum(s => s.Report.SoftBounces));
        yield return new("reports unsubscribed", $"SELECT sum(unsubscribed) FROM staging.mailchimp_campaign_reports WHERE true{account}", sent.Sum(s => s.Report.Unsubscribed));
        yield return new("reports abuse_reports", $"SELECT sum(abuse_reports) FROM staging.mailchimp_campaign_reports WHERE true{account}", sent.Sum(s => s.Report.AbuseReports));
        yield return new("unsubscribes", $"SELECT count(*) FROM staging.mailchimp_unsubscribes WHERE true{account}", sent.Sum(s => s.Report.Unsubscribed));

        // Activity counts a campaign's sends and bounces on its send day; every send of the world is within the 180 served days.
        var firstServed = world.Today.AddDays(-179);
        var served = sent.Where(s => DateOnly.FromDateTime(s.Campaign.SendTime!.Value.UtcDateTime) >= firstServed).ToList();
        yield return new("activity emails_sent", $"SELECT sum(emails_sent) FROM staging.mailchimp_list_activity_daily WHERE true{account}", served.Sum(s => s.Report.EmailsSent));
        yield return new("activity hard_bounce", $"SELECT sum(hard_bounce) FROM staging.mailchimp_list_activity_daily WHERE true{account}", served.Sum(s => s.Report.HardBounces));

        foreach (var list in mc.Lists)
        {
            var lists = $"FROM staging.mailchimp_lists WHERE id = '{list.Id}'{account}";
            var members = $"FROM staging.mailchimp_list_members WHERE list_id = '{list.Id}'{account}";
            yield return new($"{list.Name} member_count", $"SELECT member_count {lists}", mc.MemberCount(list, "subscribed"));
            yield return new($"{list.Name} unsubscribe_count", $"SELECT unsubscribe_count {lists}", mc.MemberCount(list, "unsubscribed"));
            yield return new($"{list.Name} cleaned_count", $"SELECT cleaned_count {lists}", mc.MemberCount(list, "cleaned"));
            yield return new($"{list.Name} members", $"SELECT count(*) {members}", list.MemberTotal);
            foreach (var status in new[] { "subscribed", "unsubscribed", "cleaned" })
            {
                yield return new(string.Create(CultureInfo.InvariantCulture, $"{list.Name} {status} members"), $"SELECT count(*) {members} AND status = '{status}'", mc.MemberCount(list, status));
            }
        }
    }
}
