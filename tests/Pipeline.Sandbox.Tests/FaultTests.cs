using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Sandbox.Faults;

namespace Pipeline.Sandbox.Tests;

public class FaultTests : SandboxFixture
{
    private HttpRequestMessage Ga4Request() => new(HttpMethod.Post, $"ga4/v1beta/properties/{Server.Credentials.Ga4PropertyId}:runReport")
    {
        Content = new StringContent("""{"dimensions":[{"name":"date"}],"metrics":[{"name":"sessions"}],"dateRanges":[{"startDate":"7daysAgo","endDate":"today"}]}""", System.Text.Encoding.UTF8, "application/json"),
        Headers = { Authorization = new("Bearer", Server.IssueGoogleAccessToken()) },
    };

    private HttpRequestMessage MetaRequest() => new(HttpMethod.Get, $"meta/v21.0/act_{Server.Credentials.MetaAdAccountIds[0]}/insights?access_token={Server.Credentials.MetaAccessToken}");

    private HttpRequestMessage MailchimpRequest()
    {
        var r = new HttpRequestMessage(HttpMethod.Get, "mailchimp/3.0/lists");
        Basic(Server.Credentials.MailchimpApiKey)(r);
        return r;
    }

    private HttpRequestMessage HubSpotRequest()
    {
        var r = new HttpRequestMessage(HttpMethod.Get, "hubspot/crm/v3/objects/contacts?limit=5");
        Bearer(Server.Credentials.HubSpotAccessToken)(r);
        return r;
    }

    private HttpRequestMessage RequestFor(SandboxApi api) => api switch
    {
        SandboxApi.Ga4 => Ga4Request(),
        SandboxApi.Meta => MetaRequest(),
        SandboxApi.Mailchimp => MailchimpRequest(),
        _ => HubSpotRequest(),
    };

    private async Task<(HttpStatusCode Status, string Body)> Send(SandboxApi api)
    {
        using var request = RequestFor(api);
        using var response = await Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [TestCase(SandboxApi.Ga4, FaultKind.RateLimit, 429, "RESOURCE_EXHAUSTED")]
    [TestCase(SandboxApi.Ga4, FaultKind.QuotaExhausted, 429, "tokens per day")]
    [TestCase(SandboxApi.Ga4, FaultKind.ServerError, 500, "INTERNAL")]
    [TestCase(SandboxApi.Ga4, FaultKind.ServiceUnavailable, 503, "UNAVAILABLE")]
    [TestCase(SandboxApi.Ga4, FaultKind.ExpiredToken, 401, "UNAUTHENTICATED")]
    [TestCase(SandboxApi.Meta, FaultKind.RateLimit, 400, "\"error_subcode\":2446079")]
    [TestCase(SandboxApi.Meta, FaultKind.QuotaExhausted, 400, "\"code\":4")]
    [TestCase(SandboxApi.Meta, FaultKind.ServerError, 500, "\"is_transient\":true")]
    [TestCase(SandboxApi.Meta, FaultKind.ServiceUnavailable, 503, "\"code\":2")]
    [TestCase(SandboxApi.Meta, FaultKind.ExpiredToken, 401, "\"code\":190")]
    [TestCase(SandboxApi.Mailchimp, FaultKind.RateLimit, 429, "Too Many Requests")]
    [TestCase(SandboxApi.Mailchimp, FaultKind.ServerError, 500, "Internal Server Error")]
    [TestCase(SandboxApi.Mailchimp, FaultKind.ServiceUnavailable, 503, "Service Unavailable")]
    [TestCase(SandboxApi.Mailchimp, FaultKind.ExpiredToken, 401, "API Key Invalid")]
    [TestCase(SandboxApi.HubSpot, FaultKind.RateLimit, 429, "TEN_SECONDLY_ROLLING")]
    [TestCase(SandboxApi.HubSpot, FaultKind.QuotaExhausted, 429, "DAILY")]
    [TestCase(SandboxApi.HubSpot, FaultKind.ServerError, 500, "INTERNAL_ERROR")]
    [TestCase(SandboxApi.HubSpot, FaultKind.ServiceUnavailable, 503, "\"status\":\"error\"")]
    [TestCase(SandboxApi.HubSpot, FaultKind.ExpiredToken, 401, "EXPIRED_AUTHENTICATION")]
    public async Task Forced_fault_uses_the_platforms_status_and_body_then_service_recovers(SandboxApi api, FaultKind kind, int status, string bodyContains)
    {
        Server.Faults.ForceNext(api, kind);
        var (faultStatus, faultBody) = await Send(api);
        var (nextStatus, _) = await Send(api);

        Assert.Multiple(() =>
        {
            Assert.That((int)faultStatus, Is.EqualTo(status));
            Assert.That(faultBody, Does.Contain(bodyContains));
            Assert.That(() => JsonNode.Parse(faultBody), Throws.Nothing);
            Assert.That(nextStatus, Is.EqualTo(HttpStatusCode.OK));
        });
    }

    [Test]
    public async Task Mailchimp_bare_forbidden_is_a_403_without_a_body_then_service_recovers()
    {
        Server.Faults.ForceNext(SandboxApi.Mailchimp, FaultKind.BareForbidden);
        using var request = MailchimpRequest();
        using var response = await Http.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();
        var (nextStatus, _) = await Send(SandboxApi.Mailchimp);

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(body, Is.Empty, "no problem document: the edge cut the connection-limited request");
            Assert.That(Server.Faults.Injected(SandboxApi.Mailchimp, FaultKind.BareForbidden), Is.EqualTo(1));
            Assert.That(nextStatus, Is.EqualTo(HttpStatusCode.OK));
        });
    }

    [TestCase(SandboxApi.Ga4, 429)]
    [TestCase(SandboxApi.Meta, 400)]
    [TestCase(SandboxApi.HubSpot, 429)]
    public async Task Bare_forbidden_is_mailchimps_alone_the_others_throttle_their_own_way(SandboxApi api, int status)
    {
        Server.Faults.ForceNext(api, FaultKind.BareForbidden);
        var (faultStatus, faultBody) = await Send(api);

        Assert.That((int)faultStatus, Is.EqualTo(status));
        Assert.That(faultBody, Is.Not.Empty);
    }

    [Test]
    public async Task Meta_throttle_fault_reports_full_usage_in_headers()
    {
        Server.Faults.ForceNext(SandboxApi.Meta, FaultKind.RateLimit);
        using var request = MetaRequest();
        using var response = await Http.SendAsync(request);
        var usage = JsonNode.Parse(response.Headers.GetValues("x-business-use-case-usage").Single())!;
        var entry = usage.AsObject().Single().Value![0]!;
        Assert.Multiple(() =>
        {
            Assert.That(entry["call_count"]!.GetValue<int>(), Is.EqualTo(100));
            Assert.That(entry["estimated_time_to_regain_access"]!.GetValue<int>(), Is.GreaterThan(0));
        });
    }

    [TestCase(SandboxApi.Ga4)]
    [TestCase(SandboxApi.Meta)]
    [TestCase(SandboxApi.Mailchimp)]
    [TestCase(SandboxApi.HubSpot)]
    public async Task Malformed_json_arrives_as_200_that_does_not_parse(SandboxApi api)
    {
        Server.Faults.ForceNext(api, FaultKind.MalformedJson);
        var (status, body) = await Send(api);
        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(body, Is.Not.Empty);
            Assert.That(() => JsonDocument.Parse(body), Throws.InstanceOf<JsonException>());
        });
    }

    [TestCase(SandboxApi.Ga4)]
    [TestCase(SandboxApi.HubSpot)]
    public async Task Dropped_connection_fails_while_reading_the_body(SandboxApi api)
    {
        Server.Faults.ForceNext(api, FaultKind.DropConnection);
        using var request = RequestFor(api);
        Assert.That(async () =>
        {
            using var response = await Http.SendAsync(request);
            await response.Content.ReadAsStringAsync();
        }, Throws.InstanceOf<HttpRequestException>().Or.InstanceOf<IOException>());
    }

    [Test]
    public async Task Slow_response_is_delayed_but_correct()
    {
        Server.Faults.Options = new FaultOptions { SlowResponseRate = 1, SlowResponseDelay = TimeSpan.FromMilliseconds(400) };
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var (status, _) = await Send(SandboxApi.HubSpot);
        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(watch.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(380)));
        });
    }

    [Test]
    public async Task Expired_ga4_token_stays_revoked()
    {
        var token = Server.IssueGoogleAccessToken();
        Server.Faults.ForceNext(SandboxApi.Ga4, FaultKind.ExpiredToken);
        async Task<HttpStatusCode> Call()
        {
            using var request = Ga4Request();
            request.Headers.Authorization = new("Bearer", token);
            using var response = await Http.SendAsync(request);
            return response.StatusCode;
        }

        Assert.That(new[] { await Call(), await Call() }, Is.All.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Random_faults_follow_the_rate_and_repeat_for_the_same_seed()
    {
        async Task<List<HttpStatusCode>> Run(int seed)
        {
            await using var server = await SandboxServer.StartAsync(new SandboxOptions { Faults = new FaultOptions { Seed = seed, ServerErrorRate = 0.3, ServiceUnavailableRate = 0.2 } });
            using var http = new HttpClient { BaseAddress = server.BaseAddress };
            var statuses = new List<HttpStatusCode>();
            for (var i = 0; i < 40; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "hubspot/crm/v3/pipelines/deals");
                Bearer(server.Credentials.HubSpotAccessToken)(request);
                using var response = await http.SendAsync(request);
                statuses.Add(response.StatusCode);
            }

            Assert.That(server.RequestCount(SandboxApi.HubSpot), Is.EqualTo(40));
            return statuses;
        }

        var first = await Run(1);
        var again = await Run(1);
        var other = await Run(2);
        var failures = first.Count(s => s != HttpStatusCode.OK);
        Assert.Multiple(() =>
        {
            Assert.That(again, Is.EqualTo(first));
            Assert.That(other, Is.Not.EqualTo(first));
            Assert.That(failures, Is.InRange(8, 32));
            Assert.That(first, Is.All.AnyOf(HttpStatusCode.OK, HttpStatusCode.InternalServerError, HttpStatusCode.ServiceUnavailable));
        });
    }
}
