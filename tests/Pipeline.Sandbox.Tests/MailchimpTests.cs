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
