using System.Net;
using System.Text.Json.Nodes;
using Pipeline.Sandbox.Faults;

namespace Pipeline.Sandbox.Tests;

public class MailchimpTests : SandboxFixture
{
    private string Key => Server.Credentials.MailchimpApiKey;
    private string ListId => Server.Credentials.MailchimpListIds[0];

    [Test]
    public async Task Wrong_key_gets_mailchimps_problem_document()
    {
        var (status, body) = await GetJson("mailchimp/3.0/lists", Basic("00000000000000000000000000000000-us21"));
        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(Str(body["title"]), Is.EqualTo("API Key Invalid"));
            Assert.That(body["status"]!.GetValue<int>(), Is.EqualTo(401));
            Assert.That(Str(body["type"]), Does.StartWith("https://mailchimp.com/developer/"));
            Assert.That(Str(body["instance"]), Is.Not.Empty);
            Assert.That(Str(body["detail"]), Is.Not.Empty);
        });
    }

    [Test]
    public async Task Members_page_by_offset_and_count_to_total_items_exactly_once()
    {
        var ids = new List<string>();
        int total;
        var offset = 0;
        do
        {
            var (status, page) = await GetJson($"mailchimp/3.0/lists/{ListId}/members?count=120&offset={offset}", Basic(Key));
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
            total = page["total_items"]!.GetValue<int>();
            ids.AddRange(page["members"]!.AsArray().Select(m => Str(m!["id"])));
            offset += 120;
        }
        while (offset < total);

        var list = Server.World.Mailchimp.FindList(ListId)!;
        Assert.Multiple(() =>
        {
            Assert.That(ids, Has.Count.EqualTo(list.MemberTotal));
            Assert.That(ids, Is.Unique);
            Assert.That(ids, Is.All.Match("^[0-9a-f]{32}$"));
        });
    }

    [Test]
    public async Task Since_last_changed_filters_members_and_fields_trims_the_response()
    {
        var since = Server.World.AsOf.AddDays(-7).ToString("yyyy-MM-ddTHH:mm:ss+00:00", System.Globalization.CultureInfo.InvariantCulture);
        var (_, page) = await GetJson($"mailchimp/3.0/lists/{ListId}/members?count=1000&since_last_changed={Uri.EscapeDataString(since)}&fields=members.email_address,members.last_changed,total_items", Basic(Key));
        var (_, all) = await GetJson($"mailchimp/3.0/lists/{ListId}/members?count=1", Basic(Key));
        var members = page["members"]!.AsArray();

        Assert.Multiple(() =>
        {
            Assert.That(page["total_items"]!.GetValue<int>(), Is.EqualTo(members.Count).And.LessThan(all["total_items"]!.GetValue<int>()).And.GreaterThan(0));
            Assert.That(members.Select(m => DateTimeOffset.Parse(Str(m!["last_changed"]), System.Globalization.CultureInfo.InvariantCulture)), Is.All.GreaterThan(DateTimeOffset.Parse(since, System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(members.Select(m => m!.AsObject().Select(p => p.Key).Order()), Is.All.EqualTo(new[] { "email_address", "last_changed" }));
            Assert.That(page["list_id"], Is.Null, "fields drops unselected top-level keys");
        });
    }

    [Test]
    public async Task Reports_match_ground_truth_and_recent_ones_gain_late_opens()
    {
        var (_, reports) = await GetJson("mailchimp/3.0/reports?count=100&exclude_fields=reports.list_stats", Basic(Key));
        var latest = reports["reports"]!.AsArray().Last()!;
        var id = Str(latest["id"]);
        var truth = Server.World.Truth.MailchimpReport(id)!;
        var opensBefore = latest["opens"]!["unique_opens"]!.GetValue<long>();
        Server.World.AdvanceReadGeneration();
        var (_, after) = await GetJson($"mailchimp/3.0/reports/{id}", Basic(Key));
        var (_, unsubscribed) = await GetJson($"mailchimp/3.0/reports/{id}/unsubscribed?count=1000", Basic(Key));

        Assert.Multiple(() =>
        {
            Assert.That(latest["list_stats"], Is.Null);
            Assert.That(opensBefore, Is.EqualTo(truth.UniqueOpens));
            Assert.That(latest["emails_sent"]!.GetValue<long>(), Is.EqualTo(truth.EmailsSent));
            Assert.That(latest["bounces"]!["hard_bounces"]!.GetValue<long>(), Is.EqualTo(truth.HardBounces));
            Assert.That(after["opens"]!["unique_opens"]!.GetValue<long>(), Is.GreaterThan(opensBefore));
            Assert.That(after["opens"]!["unique_opens"]!.GetValue<long>(), Is.EqualTo(Server.World.Truth.MailchimpReport(id)!.UniqueOpens));
            Assert.That(unsubscribed["unsubscribes"]!.AsArray(), Has.Count.EqualTo(after["unsubscribed"]!.GetValue<int>()));
            Assert.That(unsubscribed["total_items"]!.GetValue<int>(), Is.EqualTo(after["unsubscribed"]!.GetValue<int>()));
        });
    }

    [Test]
    public async Task Campaigns_filter_by_status_and_send_time()
    {
        var (_, sent) = await GetJson("mailchimp/3.0/campaigns?status=sent&count=1000", Basic(Key));
        var cutoff = Server.World.AsOf.AddDays(-30);
        var (_, recent) = await GetJson($"mailchimp/3.0/campaigns?since_send_time={Uri.EscapeDataString(cutoff.ToString("O", System.Globalization.CultureInfo.InvariantCulture))}&count=1000", Basic(Key));

        var expectedRecent = Server.World.Mailchimp.Campaigns.Count(c => c.SendTime > cutoff);
        Assert.Multiple(() =>
        {
            Assert.That(sent["campaigns"]!.AsArray().Select(c => Str(c!["status"])), Is.All.EqualTo("sent"));
            Assert.That(sent["total_items"]!.GetValue<int>(), Is.EqualTo(Server.World.Mailchimp.Campaigns.Count(c => c.Status == "sent")));
            Assert.That(recent["total_items"]!.GetValue<int>(), Is.EqualTo(expectedRecent).And.GreaterThan(0));
            Assert.That(sent["campaigns"]![0]!["settings"]!["title"], Is.Not.Null);
        });
    }

    [TestCase("mailchimp/3.0/?include_fields=account_id", "include_fields")]
    [TestCase("mailchimp/3.0/lists?since_date_created=2024-01-01T00:00:00+00:00", "since_date_created")]
    [TestCase("mailchimp/3.0/lists/{list}?include_total_contacts=true", "include_total_contacts")]
    [TestCase("mailchimp/3.0/lists/{list}/members?interest_category_id=abc", "interest_category_id")]
    [TestCase("mailchimp/3.0/lists/{list}/members?status=vip", "status")]
    [TestCase("mailchimp/3.0/lists/{list}/activity?since=2024-01-01", "since")]
    [TestCase("mailchimp/3.0/campaigns?type=regular", "type")]
    [TestCase("mailchimp/3.0/campaigns?sort_field=title", "sort_field")]
    [TestCase("mailchimp/3.0/campaigns/{campaign}?include_resend_shortcut_eligibility=true", "include_resend_shortcut_eligibility")]
    [TestCase("mailchimp/3.0/reports?type=regular", "type")]
    [TestCase("mailchimp/3.0/reports/{campaign}?include_fields=opens", "include_fields")]
    [TestCase("mailchimp/3.0/reports/{campaign}/unsubscribed?since=2024-01-01", "since")]
    public async Task A_query_parameter_the_sandbox_does_not_emulate_gets_mailchimps_400(string path, string parameter)
    {
        var campaign = Server.World.Mailchimp.Campaigns.First(c => c.SendTime is not null).Id;
        var (status, body) = await GetJson(path.Replace("{list}", ListId, StringComparison.Ordinal).Replace("{campaign}", campaign, StringComparison.Ordinal), Basic(Key));

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(Str(body["title"]), Is.EqualTo("Invalid Resource"));
            Assert.That(body["status"]!.GetValue<int>(), Is.EqualTo(400));
            Assert.That(Str(body["type"]), Is.EqualTo("https://mailchimp.com/developer/marketing/docs/errors/"));
            Assert.That(Str(body["detail"]), Does.Contain("'errors' array"));
            Assert.That(Str(body["instance"]), Is.Not.Empty);
            Assert.That(Str(body["errors"]![0]!["field"]), Is.EqualTo(parameter));
        });
    }

    [TestCase("mailchimp/3.0/?fields=account_id")]
    [TestCase("mailchimp/3.0/lists?offset=0&count=5&fields=lists.id,total_items&exclude_fields=lists._links")]
    [TestCase("mailchimp/3.0/lists/{list}/members?status=subscribed&since_last_changed=2020-01-01T00:00:00%2B00:00&before_last_changed=2099-01-01T00:00:00%2B00:00&count=5")]
    [TestCase("mailchimp/3.0/lists/{list}/activity?count=5&offset=0")]
    [TestCase("mailchimp/3.0/campaigns?status=sent&list_id={list}&sort_field=send_time&sort_dir=DESC&since_create_time=2020-01-01T00:00:00%2B00:00")]
    [TestCase("mailchimp/3.0/reports?since_send_time=2020-01-01T00:00:00%2B00:00&before_send_time=2099-01-01T00:00:00%2B00:00&count=3")]
    [TestCase("mailchimp/3.0/reports/{campaign}/unsubscribed?count=5&offset=0&fields=unsubscribes.reason")]
    public async Task The_parameters_the_sandbox_emulates_still_work(string path)
    {
        var campaign = Server.World.Mailchimp.Campaigns.First(c => c.SendTime is not null).Id;
        var (status, _) = await GetJson(path.Replace("{list}", ListId, StringComparison.Ordinal).Replace("{campaign}", campaign, StringComparison.Ordinal), Basic(Key));

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Reports_carry_human_opens_except_the_oldest_and_fields_can_pick_them()
    {
        var (_, all) = await GetJson("mailchimp/3.0/reports?count=1000", Basic(Key));
        var (_, picked) = await GetJson("mailchimp/3.0/reports?count=1000&fields=reports.id,reports.opens.proxy_excluded_unique_opens", Basic(Key));
        var (_, dropped) = await GetJson("mailchimp/3.0/reports?count=1000&exclude_fields=reports.opens.proxy_excluded_opens", Basic(Key));
        var reports = all["reports"]!.AsArray().Select(r => r!.AsObject()).ToList();
        var oldest = reports.MinBy(r => Str(r["send_time"]))!;
        var recent = reports.Where(r => r["opens"]!.AsObject().ContainsKey("proxy_excluded_unique_opens")).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(oldest["opens"]!.AsObject().Select(p => p.Key), Has.None.StartsWith("proxy_excluded"), "absent, not 0 or null");
            Assert.That(recent, Has.Count.EqualTo(reports.Count - 1));
            foreach (var r in recent)
            {
                var opens = r["opens"]!;
                var unique = opens["unique_opens"]!.GetValue<long>();
                var human = opens["proxy_excluded_unique_opens"]!.GetValue<long>();
                var truth = Server.World.Truth.MailchimpReport(Str(r["id"]))!;
                Assert.That(human, Is.EqualTo(truth.ProxyExcludedUniqueOpens));
                Assert.That(opens["proxy_excluded_opens"]!.GetValue<long>(), Is.EqualTo(truth.ProxyExcludedOpens).And.LessThanOrEqualTo(opens["opens_total"]!.GetValue<long>()));
                Assert.That(1 - ((double)human / unique), Is.InRange(0.29, 0.51), "30-50 % of unique opens are Apple MPP prefetches");
                Assert.That(opens["proxy_excluded_open_rate"]!.GetValue<double>(), Is.EqualTo(truth.ProxyExcludedOpenRate!.Value).Within(1e-12).And.LessThan(opens["open_rate"]!.GetValue<double>()));
            }

            var pickedOpens = picked["reports"]!.AsArray().SelectMany(r => r!["opens"]?.AsObject().Select(p => p.Key) ?? []).ToList();
            Assert.That(pickedOpens, Has.All.EqualTo("proxy_excluded_unique_opens"));
            Assert.That(pickedOpens, Has.Count.EqualTo(recent.Count));
            Assert.That(picked["reports"]!.AsArray().Select(r => r!.AsObject().Count), Has.All.LessThanOrEqualTo(2));
            Assert.That(dropped["reports"]!.AsArray().Select(r => r!["opens"]!.AsObject().ContainsKey("proxy_excluded_opens")), Has.All.False);
            Assert.That(dropped["reports"]!.AsArray().Select(r => r!["opens"]!.AsObject().ContainsKey("proxy_excluded_unique_opens")), Has.Some.True);
        });
    }

    [Test]
    public async Task Late_opens_restate_human_opens_too()
    {
        var (_, reports) = await GetJson("mailchimp/3.0/reports?count=1000&fields=reports.id", Basic(Key));
        var id = Str(reports["reports"]!.AsArray().Last()!["id"]);
        var before = Server.World.Truth.MailchimpReport(id)!;
        Server.World.AdvanceReadGeneration();
        var (_, after) = await GetJson($"mailchimp/3.0/reports/{id}?fields=opens", Basic(Key));

        Assert.That(after["opens"]!["proxy_excluded_unique_opens"]!.GetValue<long>(), Is.GreaterThan(before.ProxyExcludedUniqueOpens!.Value)
            .And.EqualTo(Server.World.Truth.MailchimpReport(id)!.ProxyExcludedUniqueOpens));
    }

    [Test]
    public async Task More_than_ten_simultaneous_requests_per_key_get_429()
    {
        Server.Faults.Options = new FaultOptions { SlowResponseRate = 1, SlowResponseDelay = TimeSpan.FromSeconds(1), Apis = new HashSet<SandboxApi> { SandboxApi.Mailchimp } };
        var calls = Enumerable.Range(0, 14).Select(async _ =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "mailchimp/3.0/ping");
            Basic(Key)(request);
            using var response = await Http.SendAsync(request);
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }).ToList();
        var results = await Task.WhenAll(calls);

        var throttled = results.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(results.Count(r => r.StatusCode == HttpStatusCode.OK), Is.EqualTo(10));
            Assert.That(throttled, Has.Count.EqualTo(4));
            Assert.That(throttled.Select(t => JsonNode.Parse(t.Body)!["status"]!.GetValue<int>()), Is.All.EqualTo(429));
        });
    }
}
