using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Pipeline.Sandbox.World;

namespace Pipeline.Sandbox.Tests;

public class Ga4Tests : SandboxFixture
{
    private const string Scope = "https://www.googleapis.com/auth/analytics.readonly";

    // A small (other) threshold so landing-page reports fold their long tail.
    protected override SandboxOptions Options => new() { World = WorldOptions.Demo with { Ga4OtherRowThreshold = 30 } };

    private string RunReportUrl => $"ga4/v1beta/properties/{Server.Credentials.Ga4PropertyId}:runReport";

    /// <summary>Builds the RS256 JWT a service-account client sends, from the JSON key alone.</summary>
    private static string SignedAssertion(string keyJson, string scope, string? audience = null)
    {
        var key = JsonNode.Parse(keyJson)!;
        using var rsa = RSA.Create();
        rsa.ImportFromPem(key["private_key"]!.GetValue<string>());
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = new JsonObject { ["alg"] = "RS256", ["typ"] = "JWT", ["kid"] = key["private_key_id"]!.GetValue<string>() };
        var payload = new JsonObject
        {
            ["iss"] = key["client_email"]!.GetValue<string>(),
            ["scope"] = scope,
            ["aud"] = audience ?? key["token_uri"]!.GetValue<string>(),
            ["iat"] = now,
            ["exp"] = now + 3600,
        };
        var signingInput = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload.ToJsonString()));
        var signature = rsa.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    private async Task<(HttpStatusCode Status, JsonNode Body)> PostToken(string tokenUri, Dictionary<string, string> form)
    {
        using var response = await Http.PostAsync(tokenUri, new FormUrlEncodedContent(form));
        return (response.StatusCode, await Json(response));
    }

    private async Task<JsonNode> RunReport(JsonObject request, string? token = null)
    {
        var (status, body) = await PostJson(RunReportUrl, request, Bearer(token ?? Server.IssueGoogleAccessToken()));
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body.ToJsonString());
        return body;
    }

    private JsonObject Request(string[] dimensions, string[] metrics, DateOnly from, DateOnly to, long? limit = null, long offset = 0)
    {
        var r = new JsonObject
        {
            ["dimensions"] = new JsonArray(dimensions.Select(d => (JsonNode)new JsonObject { ["name"] = d }).ToArray()),
            ["metrics"] = new JsonArray(metrics.Select(m => (JsonNode)new JsonObject { ["name"] = m }).ToArray()),
            ["dateRanges"] = new JsonArray(new JsonObject { ["startDate"] = from.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), ["endDate"] = to.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) }),
            ["offset"] = offset.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (limit is { } l)
        {
            r["limit"] = l.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return r;
    }

    [Test]
    public async Task Service_account_jwt_is_exchanged_for_a_token_that_runs_a_report()
    {
        var keyJson = Server.CreateServiceAccountKeyJson();
        var tokenUri = JsonNode.Parse(keyJson)!["token_uri"]!.GetValue<string>();
        var (status, token) = await PostToken(tokenUri, new()
        {
            ["grant_type"] = "urn:ietf:params:oauth:grant-type:jwt-bearer",
            ["assertion"] = SignedAssertion(keyJson, Scope),
        });
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), token.ToJsonString());
        Assert.That(Str(token["token_type"]), Is.EqualTo("Bearer"));
        Assert.That(token["expires_in"]!.GetValue<int>(), Is.GreaterThan(0));

        var day = Server.World.Today.AddDays(-10);
        var report = await RunReport(Request(["date"], ["sessions"], day, day), Str(token["access_token"]));
        Assert.That(Str(report["rows"]![0]!["metricValues"]![0]!["value"]), Is.EqualTo(Server.World.Truth.Ga4Sessions(day).ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Test]
    public async Task Token_endpoint_rejects_wrong_scope_wrong_audience_and_a_foreign_key()
    {
        var keyJson = Server.CreateServiceAccountKeyJson();
        var tokenUri = Server.GoogleTokenUri.ToString();
        var foreign = JsonNode.Parse(keyJson)!;
        using (var other = RSA.Create(2048))
        {
            foreign["private_key"] = other.ExportPkcs8PrivateKeyPem();
        }

        var wrongScope = await PostToken(tokenUri, new() { ["grant_type"] = "urn:ietf:params:oauth:grant-type:jwt-bearer", ["assertion"] = SignedAssertion(keyJson, "https://www.googleapis.com/auth/drive") });
        var wrongAudience = await PostToken(tokenUri, new() { ["grant_type"] = "urn:ietf:params:oauth:grant-type:jwt-bearer", ["assertion"] = SignedAssertion(keyJson, Scope, "https://token.example.com/token") });
        var badSignature = await PostToken(tokenUri, new() { ["grant_type"] = "urn:ietf:params:oauth:grant-type:jwt-bearer", ["assertion"] = SignedAssertion(foreign.ToJsonString(), Scope) });
        var refresh = await PostToken(tokenUri, new()
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = Server.Credentials.GoogleClientId,
            ["client_secret"] = Server.Credentials.GoogleClientSecret,
            ["refresh_token"] = Server.Credentials.GoogleRefreshToken,
        });

        Assert.Multiple(() =>
        {
            Assert.That(wrongScope.Status, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(Str(wrongScope.Body["error"]), Is.EqualTo("invalid_scope"));
            Assert.That(wrongAudience.Status, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(Str(badSignature.Body["error"]), Is.EqualTo("invalid_grant"));
            Assert.That(refresh.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(Str(refresh.Body["access_token"]), Does.StartWith("ya29."));
        });
    }

    [Test]
    public async Task Report_requires_a_sandbox_issued_bearer_token()
    {
        var day = Server.World.Today;
        var (missing, body) = await PostJson(RunReportUrl, Request(["date"], ["sessions"], day, day));
        var (forged, _) = await PostJson(RunReportUrl, Request(["date"], ["sessions"], day, day), Bearer("ya29.forged"));

        Assert.Multiple(() =>
        {
            Assert.That(missing, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(forged, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(body["error"]!["code"]!.GetValue<int>(), Is.EqualTo(401));
            Assert.That(Str(body["error"]!["status"]), Is.EqualTo("UNAUTHENTICATED"));
        });
    }

    [Test]
    public async Task Report_has_ga4_headers_string_values_metadata_and_property_quota()
    {
        var day = Server.World.Today.AddDays(-20);
        var request = Request(["date", "sessionDefaultChannelGroup"], ["sessions", "purchaseRevenue", "totalUsers", "userEngagementDuration"], day, day);
        request["returnPropertyQuota"] = true;
        var report = await RunReport(request);

        Assert.Multiple(() =>
        {
            Assert.That(report["dimensionHeaders"]!.AsArray().Select(h => Str(h!["name"])), Is.EqualTo(new[] { "date", "sessionDefaultChannelGroup" }));
            Assert.That(report["metricHeaders"]!.AsArray().Select(h => Str(h!["type"])), Is.EqualTo(new[] { "TYPE_INTEGER", "TYPE_CURRENCY", "TYPE_INTEGER", "TYPE_SECONDS" }));
            Assert.That(Str(report["rows"]![0]!["dimensionValues"]![0]!["value"]), Is.EqualTo(day.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(report["rows"]!.AsArray().SelectMany(r => r!["metricValues"]!.AsArray()).Select(v => Str(v!["value"])), Is.All.Not.Empty);
            Assert.That(Str(report["metadata"]!["currencyCode"]), Is.EqualTo("EUR"));
            Assert.That(Str(report["metadata"]!["timeZone"]), Is.EqualTo("Europe/Berlin"));
            Assert.That(report["propertyQuota"]!["tokensPerDay"]!["remaining"]!.GetValue<long>(), Is.LessThan(200_000));
            Assert.That(report["propertyQuota"]!["tokensPerHour"]!["consumed"]!.GetValue<long>(), Is.GreaterThan(0));
        });

        var byChannel = report["rows"]!.AsArray().ToDictionary(r => Str(r!["dimensionValues"]![1]!["value"]), r => long.Parse(Str(r!["metricValues"]![0]!["value"]), System.Globalization.CultureInfo.InvariantCulture));
        Assert.That(byChannel, Is.EquivalentTo(Server.World.Truth.Ga4SessionsByChannel(day)));
    }

    [Test]
    public async Task Paging_with_offset_returns_every_row_once_and_folds_the_long_tail_into_other()
    {
        var from = Server.World.Options.StartDate;
        var to = from.AddDays(6);
        string[] dims = ["date", "landingPagePlusQueryString", "sessionSource"];
        var seen = new List<string>();
        long sessions = 0;
        long offset = 0;
        long rowCount;
        bool dataLoss;
        do
        {
            var page = await RunReport(Request(dims, ["sessions"], from, to, limit: 37, offset: offset));
            rowCount = page["rowCount"]!.GetValue<long>();
            dataLoss = page["metadata"]!["dataLossFromOtherRow"]?.GetValue<bool>() ?? false;
            foreach (var row in page["rows"]!.AsArray())
            {
                seen.Add(string.Join("|", row!["dimensionValues"]!.AsArray().Select(v => Str(v!["value"]))));
                sessions += long.Parse(Str(row["metricValues"]![0]!["value"]), System.Globalization.CultureInfo.InvariantCulture);
            }

            offset += 37;
        }
        while (offset < rowCount);

        var truth = Enumerable.Range(0, 7).Sum(i => Server.World.Truth.Ga4Sessions(from.AddDays(i)));
        Assert.Multiple(() =>
        {
            Assert.That(seen, Has.Count.EqualTo(rowCount));
            Assert.That(seen, Is.Unique);
            Assert.That(sessions, Is.EqualTo(truth), "(other) folds rows, it must not lose sessions");
            Assert.That(dataLoss, Is.True);
            Assert.That(seen, Has.Some.Contains("(other)"));
        });
    }

    [Test]
    public async Task Users_are_distinct_counts_so_segments_add_up_to_more_than_the_day()
    {
        var day = Server.World.Today.AddDays(-15);
        var total = await RunReport(Request(["date"], ["totalUsers", "sessions"], day, day));
        var split = await RunReport(Request(["date", "sessionDefaultChannelGroup", "deviceCategory"], ["totalUsers", "sessions"], day, day));
        long Sum(JsonNode report, int metric) => report["rows"]!.AsArray().Sum(r => long.Parse(Str(r!["metricValues"]![metric]!["value"]), System.Globalization.CultureInfo.InvariantCulture));

        Assert.Multiple(() =>
        {
            Assert.That(Sum(split, 0), Is.GreaterThan(Sum(total, 0)));
            Assert.That(Sum(split, 1), Is.EqualTo(Sum(total, 1)), "sessions are additive");
        });
    }

    [Test]
    public async Task Restatement_changes_the_last_three_days_between_read_generations()
    {
        var from = Server.World.Today.AddDays(-5);
        var to = Server.World.Today;
        async Task<Dictionary<string, string>> Read() => (await RunReport(Request(["date"], ["sessions"], from, to)))["rows"]!.AsArray()
            .ToDictionary(r => Str(r!["dimensionValues"]![0]!["value"]), r => Str(r!["metricValues"]![0]!["value"]));
        var first = await Read();
        Server.World.AdvanceReadGeneration();
        var second = await Read();

        var changed = first.Keys.Where(k => first[k] != second[k]).Order().ToList();
        var recent = Enumerable.Range(0, 3).Select(i => Server.World.Today.AddDays(-i).ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();
        Assert.That(changed, Is.EqualTo(recent));
    }

    [Test]
    public async Task More_than_ten_concurrent_requests_exhaust_the_concurrency_quota()
    {
        Server.Faults.Options = new Faults.FaultOptions { SlowResponseRate = 1, SlowResponseDelay = TimeSpan.FromSeconds(1), Apis = new HashSet<SandboxApi> { SandboxApi.Ga4 } };
        var day = Server.World.Today;
        var token = Server.IssueGoogleAccessToken();
        var results = await Task.WhenAll(Enumerable.Range(0, 13).Select(_ => PostJson(RunReportUrl, Request(["date"], ["sessions"], day, day), Bearer(token))));

        var exhausted = results.Where(r => r.Status == HttpStatusCode.TooManyRequests).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(results.Count(r => r.Status == HttpStatusCode.OK), Is.EqualTo(10));
            Assert.That(exhausted, Has.Count.EqualTo(3));
            Assert.That(exhausted.Select(r => Str(r.Body["error"]!["message"])), Is.All.Contains("concurrent requests"));
        });
    }

    [Test]
    public async Task Unknown_metric_is_invalid_argument_and_metadata_lists_the_schema()
    {
        var day = Server.World.Today;
        var (status, error) = await PostJson(RunReportUrl, Request(["date"], ["conversions"], day, day), Bearer(Server.IssueGoogleAccessToken()));
        var (metaStatus, metadata) = await GetJson($"ga4/v1beta/properties/{Server.Credentials.Ga4PropertyId}/metadata", Bearer(Server.IssueGoogleAccessToken()));

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(Str(error["error"]!["status"]), Is.EqualTo("INVALID_ARGUMENT"));
            Assert.That(metaStatus, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(metadata["metrics"]!.AsArray().Select(m => Str(m!["apiName"])), Does.Contain("keyEvents"));
            Assert.That(metadata["dimensions"]!.AsArray().Select(m => Str(m!["apiName"])), Does.Contain("sessionCampaignName"));
        });
    }
}
