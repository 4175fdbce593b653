using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace Pipeline.Sandbox.Tests;

public class MetaTests : SandboxFixture
{
    private string Token => Server.Credentials.MetaAccessToken;
    private string Account => Server.Credentials.MetaAdAccountIds[0];

    private async Task<List<JsonNode>> ReadAll(string firstUrl)
    {
        var rows = new List<JsonNode>();
        string? url = firstUrl;
        while (url is not null)
        {
            var (status, page) = await GetJson(url);
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK), page.ToJsonString());
            rows.AddRange(page["data"]!.AsArray().Select(r => r!));
            url = page["paging"]?["next"]?.GetValue<string>();
        }

        return rows;
    }

    [Test]
    public async Task After_cursor_of_the_last_page_leads_past_the_end_not_back_to_the_start()
    {
        var day = Server.World.Today.AddDays(-1);
        var range = Uri.EscapeDataString($$"""{"since":"{{day:yyyy-MM-dd}}","until":"{{day:yyyy-MM-dd}}"}""");
        var (_, last) = await GetJson($"meta/v21.0/act_{Account}/insights?level=campaign&time_range={range}&fields=campaign_id&limit=1000&access_token={Token}");
        var after = Str(last["paging"]!["cursors"]!["after"]);
        var (status, beyond) = await GetJson($"meta/v21.0/act_{Account}/insights?level=campaign&time_range={range}&fields=campaign_id&limit=1000&after={Uri.EscapeDataString(after)}&access_token={Token}");

        Assert.Multiple(() =>
        {
            Assert.That(last["data"]!.AsArray(), Is.Not.Empty);
            Assert.That(last["paging"]!["next"], Is.Null);
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(beyond["data"]!.AsArray(), Is.Empty);
        });
    }

    [Test]
    public async Task Ad_account_reports_its_own_currency_and_time_zone()
    {
        var (status, body) = await GetJson($"meta/v21.0/act_{Account}?fields=name,currency,timezone_name,account_id&access_token={Token}");
        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(Str(body["id"]), Is.EqualTo("act_" + Account));
            Assert.That(Str(body["account_id"]), Is.EqualTo(Account));
            Assert.That(Str(body["currency"]), Is.EqualTo("EUR"));
            Assert.That(Str(body["timezone_name"]), Is.EqualTo("Europe/Berlin"));
        });
    }

    [Test]
    public async Task Campaign_edge_pages_with_cursors_to_every_campaign_once()
    {
        var rows = await ReadAll($"meta/v19.0/act_{Account}/campaigns?fields=id,name,objective&limit=3&access_token={Token}");
        var expected = Server.World.Meta.Campaigns.Where(c => c.AccountId == Account).Select(c => c.Id);
        Assert.That(rows.Select(r => Str(r["id"])), Is.EqualTo(expected));
    }

    [Test]
    public async Task Daily_ad_insights_page_to_the_end_once_and_spend_matches_ground_truth()
    {
        var since = Server.World.Today.AddDays(-13);
        var until = Server.World.Today;
        var range = Uri.EscapeDataString($$"""{"since":"{{since:yyyy-MM-dd}}","until":"{{until:yyyy-MM-dd}}"}""");
        var windows = Uri.EscapeDataString("""["7d_click","1d_view"]""");
        var rows = await ReadAll($"meta/v21.0/act_{Account}/insights?level=ad&time_increment=1&time_range={range}&fields=account_id,campaign_id,campaign_name,ad_id,impressions,reach,clicks,inline_link_clicks,spend,actions,action_values&action_attribution_windows={windows}&breakdowns=publisher_platform&limit=50&access_token={Token}");

        var keys = rows.Select(r => $"{Str(r["date_start"])}|{Str(r["ad_id"])}|{Str(r["publisher_platform"])}").ToList();
        var spend = rows.Sum(r => decimal.Parse(Str(r["spend"]), CultureInfo.InvariantCulture));
        var purchase = rows.SelectMany(r => r["actions"]?.AsArray() ?? []).FirstOrDefault(a => Str(a!["action_type"]) == "purchase");
        Assert.Multiple(() =>
        {
            Assert.That(keys, Is.Unique);
            Assert.That(spend, Is.EqualTo(Server.World.Truth.MetaSpend(Account, since, until)));
            Assert.That(rows.All(r => long.Parse(Str(r["reach"]), CultureInfo.InvariantCulture) <= long.Parse(Str(r["impressions"]), CultureInfo.InvariantCulture)), Is.True);
            Assert.That(rows.Select(r => Str(r["spend"])), Is.All.Match(@"^\d+\.\d{2}$"));
            Assert.That(purchase, Is.Not.Null);
            Assert.That(Str(purchase!["7d_click"]), Does.Match(@"^\d+$"));
            Assert.That(Str(purchase["1d_view"]), Does.Match(@"^\d+$"));
        });
    }

    [Test]
    public async Task Meta_campaign_names_appear_among_ga4_paid_social_campaigns()
    {
        var day = Server.World.Today.AddDays(-3);
        var range = Uri.EscapeDataString($$"""{"since":"{{day:yyyy-MM-dd}}","until":"{{day:yyyy-MM-dd}}"}""");
        var metaNames = (await ReadAll($"meta/v21.0/act_{Account}/insights?level=campaign&time_range={range}&fields=campaign_name,spend&access_token={Token}"))
            .Select(r => Str(r["campaign_name"])).ToList();
        var ga4Names = Server.World.Ga4.Segments(day, Server.World.ReadGeneration).Where(s => s.Channel == "Paid Social").Select(s => s.Campaign).ToHashSet();

        Assert.That(metaNames, Is.Not.Empty);
        Assert.That(ga4Names, Is.SupersetOf(metaNames));
    }

    [Test]
    public async Task Async_report_runs_through_its_states_and_serves_rows()
    {
        var since = Server.World.Today.AddDays(-6);
        using var submit = await Http.PostAsync($"meta/v21.0/act_{Account}/insights", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["access_token"] = Token,
            ["level"] = "campaign",
            ["time_increment"] = "1",
            ["fields"] = "campaign_id,spend,impressions",
            ["time_range"] = $$"""{"since":"{{since:yyyy-MM-dd}}","until":"{{Server.World.Today:yyyy-MM-dd}}"}""",
        }));
        var runId = Str((await Json(submit))["report_run_id"]);

        var (notReady, _) = await GetJson($"meta/v21.0/{runId}/insights?access_token={Token}");
        var statuses = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add(Str((await GetJson($"meta/v21.0/{runId}?access_token={Token}")).Body["async_status"]));
        }

        var rows = await ReadAll($"meta/v21.0/{runId}/insights?limit=5&access_token={Token}");
        Assert.Multiple(() =>
        {
            Assert.That(notReady, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(statuses, Is.EqualTo(new[] { "Job Not Started", "Job Running", "Job Completed" }));
            Assert.That(rows.Sum(r => decimal.Parse(Str(r["spend"]), CultureInfo.InvariantCulture)), Is.EqualTo(Server.World.Truth.MetaSpend(Account, since, Server.World.Today)));
        });
    }

    [Test]
    public async Task Bad_token_is_an_oauth_exception_and_usage_headers_are_sent()
    {
        var (status, body) = await GetJson($"meta/v21.0/act_{Account}/insights?access_token=EAAwrong");
        using var ok = await Http.GetAsync($"meta/v21.0/act_{Account}?access_token={Token}");
        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(Str(body["error"]!["type"]), Is.EqualTo("OAuthException"));
            Assert.That(body["error"]!["code"]!.GetValue<int>(), Is.EqualTo(190));
            Assert.That(Str(body["error"]!["fbtrace_id"]), Is.Not.Empty);
            Assert.That(JsonNode.Parse(ok.Headers.GetValues("x-ad-account-usage").Single())!["acc_id_util_pct"], Is.Not.Null);
            Assert.That(JsonNode.Parse(ok.Headers.GetValues("x-fb-ads-insights-throttle").Single())!["app_id_util_pct"], Is.Not.Null);
            Assert.That(ok.Headers.Contains("x-business-use-case-usage"), Is.True);
        });
    }

    [Test]
    public async Task Recent_conversions_restate_while_old_ones_stay()
    {
        var old = Server.World.Today.AddDays(-35);
        var recent = Server.World.Today.AddDays(-2);
        async Task<string> Actions(DateOnly day)
        {
            var range = Uri.EscapeDataString($$"""{"since":"{{day:yyyy-MM-dd}}","until":"{{day:yyyy-MM-dd}}"}""");
            return string.Join(";", (await ReadAll($"meta/v21.0/act_{Account}/insights?level=ad&time_range={range}&fields=ad_id,actions&limit=100&access_token={Token}")).Select(r => r.ToJsonString()));
        }

        var (oldBefore, recentBefore) = (await Actions(old), await Actions(recent));
        Server.World.AdvanceReadGeneration();
        var (oldAfter, recentAfter) = (await Actions(old), await Actions(recent));
        Assert.Multiple(() =>
        {
            Assert.That(oldAfter, Is.EqualTo(oldBefore));
            Assert.That(recentAfter, Is.Not.EqualTo(recentBefore));
        });
    }
}
