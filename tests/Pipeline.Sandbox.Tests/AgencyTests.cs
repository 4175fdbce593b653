using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Pipeline.Sandbox.Faults;
using Pipeline.Sandbox.World;

namespace Pipeline.Sandbox.Tests;

/// <summary>An agency's client accounts: each its own small world, credentials and limits; what the sandbox observed of each quota.</summary>
public class AgencyTests
{
    private static readonly WorldOptions World = WorldOptions.Demo;

    [Test]
    public void A_client_world_is_derived_from_the_agency_world_and_its_index_alone()
    {
        var again = AgencyAccounts.ClientWorld(World, 3);
        Assert.Multiple(() =>
        {
            Assert.That(again, Is.EqualTo(AgencyAccounts.ClientWorld(World, 3)));
            Assert.That(new SandboxWorld(again).Meta.Accounts[0].AccountId, Is.EqualTo(new SandboxWorld(AgencyAccounts.ClientWorld(World, 3)).Meta.Accounts[0].AccountId));
            Assert.That(again.Seed, Is.Not.EqualTo(AgencyAccounts.ClientWorld(World, 4).Seed).And.Not.EqualTo(World.Seed));
            Assert.That((again.StartDate, again.Days, again.MetaAdAccounts), Is.EqualTo((World.StartDate, World.Days, 1)));
        });
    }

    [Test]
    public async Task Without_agency_accounts_the_sandbox_serves_and_describes_only_its_own()
    {
        await using var server = await SandboxServer.StartAsync(new SandboxOptions { World = World });
        var description = JsonNode.Parse(SandboxDescription.Json(server))!;
        var c = server.Credentials;
        Assert.Multiple(() =>
        {
            Assert.That(c.Clients, Is.Empty);
            Assert.That(description["metaAdAccountIds"]!.AsArray().Select(x => x!.GetValue<string>()), Is.EqualTo(c.MetaAdAccountIds));
            Assert.That(description["mailchimpApiKeys"]!.AsArray().Select(x => x!.GetValue<string>()), Is.EqualTo(c.MailchimpApiKeys));
            Assert.That(description["ga4PropertyIds"]!.AsArray().Select(x => x!.GetValue<string>()), Is.EqualTo(new[] { c.Ga4PropertyId }));
            Assert.That(server.QuotaStats().Select(s => s.Platform), Is.EqualTo(new[] { "ga4", "meta", "mailchimp", "hubspot" }));
        });
    }

    [Test]
    public async Task Each_client_account_is_served_from_its_own_world_with_its_own_credentials()
    {
        await using var server = await SandboxServer.StartAsync(new SandboxOptions
        {
            World = World,
            Agency = new AgencyAccounts { Ga4Properties = 4, MetaAdAccounts = 4, MailchimpAccounts = 2, HubSpotAccounts = 2 },
        });
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var clients = server.Credentials.Clients;
        var own = server.Credentials;
        var day = World.EndDate.AddDays(-2).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var google = server.IssueGoogleAccessToken();

        var sessions = new List<long>();
        foreach (var property in clients.Select(x => x.Ga4PropertyId!).Prepend(own.Ga4PropertyId))
        {
            var report = await SendAsync(http, HttpMethod.Post, $"ga4/v1beta/properties/{property}:runReport", "Bearer " + google,
                $$"""{"dateRanges":[{"startDate":"{{day}}","endDate":"{{day}}"}],"metrics":[{"name":"sessions"}]}""");
            sessions.Add(long.Parse(report["rows"]![0]!["metricValues"]![0]!["value"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
        }

        var account = await SendAsync(http, HttpMethod.Get, $"meta/v21.0/act_{clients[3].MetaAdAccountId}?fields=account_id,currency&access_token={own.MetaAccessToken}", null);
        var lists = await SendAsync(http, HttpMethod.Get, "mailchimp/3.0/lists", BasicOf(clients[1].MailchimpApiKey!));
        var portal = await SendAsync(http, HttpMethod.Get, "hubspot/account-info/v3/details", "Bearer " + clients[1].HubSpotAccessToken);
        using var ownKeyOnClientList = new HttpRequestMessage(HttpMethod.Get, $"mailchimp/3.0/lists/{lists["lists"]![0]!["id"]!.GetValue<string>()}");
        ownKeyOnClientList.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("x:" + own.MailchimpApiKey)));
        using var notFound = await http.SendAsync(ownKeyOnClientList);

        Assert.Multiple(() =>
        {
            Assert.That(clients.Select(x => x.Index), Is.EqualTo(new[] { 0, 1, 2, 3 }));
            Assert.That(clients.Select(x => x.Ga4PropertyId).Append(own.Ga4PropertyId), Is.Unique);
            Assert.That(clients.Select(x => x.MetaAdAccountId).Concat(own.MetaAdAccountIds), Is.Unique);
            Assert.That(clients.Skip(2).Select(x => (x.MailchimpApiKey, x.HubSpotAccessToken)), Is.All.EqualTo((null as string, null as string)));
            Assert.That(sessions, Is.All.GreaterThan(0));
            Assert.That(sessions.Distinct().Count(), Is.GreaterThan(1), "clients are different businesses");
            Assert.That(account["account_id"]!.GetValue<string>(), Is.EqualTo(clients[3].MetaAdAccountId));
            Assert.That(lists["total_items"]!.GetValue<int>(), Is.EqualTo(1));
            Assert.That(portal["portalId"]!.GetValue<long>().ToString(System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(clients[1].HubSpotPortalId));
            Assert.That(notFound.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "the agency's own key does not see a client's list");
        });
    }

    [Test]
    public async Task Pipeline_init_discovery_lists_every_client_account()
    {
        await using var server = await SandboxServer.StartAsync(new SandboxOptions { World = World, Agency = new AgencyAccounts { Ga4Properties = 3, MetaAdAccounts = 2, HubSpotAccounts = 1 } });
        var description = JsonNode.Parse(SandboxDescription.Json(server))!;
        int Count(string key) => description[key]!.AsArray().Count;
        Assert.Multiple(() =>
        {
            Assert.That(Count("ga4PropertyIds"), Is.EqualTo(1 + 3));
            Assert.That(Count("metaAdAccountIds"), Is.EqualTo(2 + 2));
            Assert.That(Count("mailchimpApiKeys"), Is.EqualTo(2));
            Assert.That(Count("hubSpotAccessTokens"), Is.EqualTo(1 + 1));
        });
    }

    [Test]
    public async Task Mailchimp_connections_are_counted_and_limited_per_client_key()
    {
        await using var server = await SandboxServer.StartAsync(new SandboxOptions { World = World, Agency = AgencyAccounts.Each(2) });
        server.Faults.Options = SlowOnly(SandboxApi.Mailchimp);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var clients = server.Credentials.Clients;
        var calls = Enumerable.Range(0, 12).Select(_ => StatusAsync(http, "mailchimp/3.0/ping", BasicOf(clients[0].MailchimpApiKey!)))
            .Concat(Enumerable.Range(0, 3).Select(_ => StatusAsync(http, "mailchimp/3.0/ping", BasicOf(clients[1].MailchimpApiKey!))));
        var statuses = await Task.WhenAll(calls);

        var stats = Stats(server, "mailchimp");
        Assert.Multiple(() =>
        {
            Assert.That(statuses.Count(s => s == HttpStatusCode.TooManyRequests), Is.EqualTo(2));
            Assert.That((stats[1].Peak, stats[1].Refused, stats[1].Honoured), Is.EqualTo((10, 2L, false)));
            Assert.That((stats[2].Peak, stats[2].Refused, stats[2].Honoured), Is.EqualTo((3, 0L, true)));
            Assert.That(stats[0].Peak, Is.Zero, "the agency's own key was not used");
        });
    }

    [Test]
    public async Task Ga4_concurrent_requests_are_counted_and_limited_per_client_property()
    {
        await using var server = await SandboxServer.StartAsync(new SandboxOptions { World = World, Agency = AgencyAccounts.Each(2), Ga4ConcurrentRequests = 3 });
        server.Faults.Options = SlowOnly(SandboxApi.Ga4);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var token = "Bearer " + server.IssueGoogleAccessToken();
        var clients = server.Credentials.Clients;
        var statuses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => StatusAsync(http, $"ga4/v1beta/properties/{clients[0].Ga4PropertyId}/metadata", token))
            .Concat(Enumerable.Range(0, 2).Select(_ => StatusAsync(http, $"ga4/v1beta/properties/{clients[1].Ga4PropertyId}/metadata", token))));

        var stats = Stats(server, "ga4");
        Assert.Multiple(() =>
        {
            Assert.That(statuses.Count(s => s == HttpStatusCode.TooManyRequests), Is.EqualTo(2));
            Assert.That((stats[1].Peak, stats[1].Limit, stats[1].Refused), Is.EqualTo((3, 3, 2L)));
            Assert.That((stats[2].Peak, stats[2].Refused), Is.EqualTo((2, 0L)));
        });
    }

    [Test]
    public async Task HubSpot_requests_in_any_ten_seconds_are_counted_per_client_token()
    {
        await using var server = await SandboxServer.StartAsync(new SandboxOptions { World = World, Agency = AgencyAccounts.Each(2), HubSpotRequestsPerTenSeconds = 20 });
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var clients = server.Credentials.Clients;
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 23; i++)
        {
            statuses.Add(await StatusAsync(http, "hubspot/account-info/v3/details", "Bearer " + clients[0].HubSpotAccessToken));
        }

        for (var i = 0; i < 5; i++)
        {
            statuses.Add(await StatusAsync(http, "hubspot/account-info/v3/details", "Bearer " + clients[1].HubSpotAccessToken));
        }

        var stats = Stats(server, "hubspot");
        Assert.Multiple(() =>
        {
            Assert.That(statuses.Count(s => s == HttpStatusCode.TooManyRequests), Is.EqualTo(3));
            Assert.That((stats[1].Peak, stats[1].Limit, stats[1].Refused), Is.EqualTo((20, 20, 3L)));
            Assert.That((stats[2].Peak, stats[2].Refused), Is.EqualTo((5, 0L)));
        });
    }

    [Test]
    public async Task Meta_refuses_a_call_at_full_usage_of_that_ad_account_only_when_enforcing()
    {
        await using var server = await SandboxServer.StartAsync(new SandboxOptions { World = World, Agency = AgencyAccounts.Each(2), MetaEnforcesUsage = true });
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var clients = server.Credentials.Clients;
        string Url(int client) => $"meta/v21.0/act_{clients[client].MetaAdAccountId}?fields=account_id&access_token={server.Credentials.MetaAccessToken}";
        var statuses = new List<HttpStatusCode>();
        // About 400 calls in 10 minutes is 100 %: the 400th finds the account full.
        for (var i = 0; i < 400; i++)
        {
            statuses.Add(await StatusAsync(http, Url(0), null));
        }

        var other = await StatusAsync(http, Url(1), null);
        var stats = Stats(server, "meta");
        Assert.Multiple(() =>
        {
            Assert.That(statuses.Take(399), Is.All.EqualTo(HttpStatusCode.OK));
            Assert.That(statuses[399], Is.EqualTo(HttpStatusCode.BadRequest), "Meta throttles with 400 and code 80004");
            Assert.That(other, Is.EqualTo(HttpStatusCode.OK), "another ad account has its own usage");
            Assert.That((stats[1].Peak, stats[1].Refused), Is.EqualTo((100, 1L)));
            Assert.That((stats[2].Peak, stats[2].Refused), Is.EqualTo((0, 0L)));
        });
    }

    private static FaultOptions SlowOnly(SandboxApi api) =>
        new() { SlowResponseRate = 1, SlowResponseDelay = TimeSpan.FromMilliseconds(700), Apis = new HashSet<SandboxApi> { api } };

    /// <summary>The platform's rows: the agency's own account first, then the clients in order.</summary>
    private static List<AccountQuotaStats> Stats(SandboxServer server, string platform) => [.. server.QuotaStats().Where(s => s.Platform == platform)];

    private static string BasicOf(string key) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("agency:" + key));

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, string url, string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<JsonNode> SendAsync(HttpClient http, HttpMethod method, string url, string? authorization, string? body = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"{method} {url}: {text}");
        return JsonNode.Parse(text)!;
    }
}
