using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Pipeline.Sandbox.World;

namespace Pipeline.Sandbox.Tests;

/// <summary>runReport request features the sandbox emulates, what it refuses, Google Ads data and self-signed JWTs.</summary>
public class Ga4RequestTests : SandboxFixture
{
    protected override SandboxOptions Options => new() { World = WorldOptions.Demo with { Days = 30 } };

    private string RunReportUrl => $"ga4/v1beta/properties/{Server.Credentials.Ga4PropertyId}:runReport";

    private SandboxWorld World => Server.World;

    private static string Iso(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static JsonObject Request(string[] dimensions, string[] metrics, DateOnly from, DateOnly to) => new()
    {
        ["dimensions"] = new JsonArray(dimensions.Select(d => (JsonNode)new JsonObject { ["name"] = d }).ToArray()),
        ["metrics"] = new JsonArray(metrics.Select(m => (JsonNode)new JsonObject { ["name"] = m }).ToArray()),
        ["dateRanges"] = new JsonArray(new JsonObject { ["startDate"] = Iso(from), ["endDate"] = Iso(to) }),
    };

    private static JsonObject StringFilter(string field, string matchType, string value, bool caseSensitive = false) => new()
    {
        ["filter"] = new JsonObject
        {
            ["fieldName"] = field,
            ["stringFilter"] = new JsonObject { ["matchType"] = matchType, ["value"] = value, ["caseSensitive"] = caseSensitive },
        },
    };

    private async Task<JsonNode> Ok(JsonObject request, string url = "")
    {
        var (status, body) = await PostJson(RunReportUrl + url, request, Bearer(Server.IssueGoogleAccessToken()));
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body.ToJsonString());
        return body;
    }

    private static List<(string[] Dims, string[] Metrics)> Rows(JsonNode body) =>
        (body["rows"] as JsonArray ?? []).Select(r => (
            r!["dimensionValues"]!.AsArray().Select(v => Str(v!["value"])).ToArray(),
            r["metricValues"]!.AsArray().Select(v => Str(v!["value"])).ToArray())).ToList();

    private static long L(string s) => long.Parse(s, CultureInfo.InvariantCulture);

    public static IEnumerable<TestCaseData> Unsupported()
    {
        JsonObject With(string key, JsonNode value) => new() { [key] = value };
        yield return new TestCaseData(With("metricFilter", StringFilter("sessions", "EXACT", "1")), "").SetName("Refuses metricFilter");
        yield return new TestCaseData(With("currencyCode", "USD"), "").SetName("Refuses currencyCode");
        yield return new TestCaseData(With("cohortSpec", new JsonObject()), "").SetName("Refuses cohortSpec");
        yield return new TestCaseData(With("comparisons", new JsonArray()), "").SetName("Refuses comparisons");
        yield return new TestCaseData(With("notAField", true), "").SetName("Refuses an unknown field");
        yield return new TestCaseData(With("dimensionFilter", new JsonObject { ["filter"] = new JsonObject { ["fieldName"] = "country", ["numericFilter"] = new JsonObject() } }), "").SetName("Refuses a numericFilter");
        yield return new TestCaseData(With("dimensionFilter", new JsonObject { ["filter"] = new JsonObject { ["fieldName"] = "country", ["emptyFilter"] = new JsonObject() } }), "").SetName("Refuses an emptyFilter");
        yield return new TestCaseData(With("metricAggregations", new JsonArray("COUNT")), "").SetName("Refuses the COUNT aggregation");
        yield return new TestCaseData(With("orderBys", new JsonArray(new JsonObject { ["pivot"] = new JsonObject() })), "").SetName("Refuses a pivot order");
        yield return new TestCaseData(With("orderBys", new JsonArray(new JsonObject { ["metric"] = new JsonObject { ["metricName"] = "totalUsers" } })), "").SetName("Refuses an order by an unrequested metric");
        yield return new TestCaseData(new JsonObject(), "?fields=rows").SetName("Refuses the fields query parameter");
        yield return new TestCaseData(new JsonObject(), "?$alt=proto").SetName("Refuses $alt=proto");
    }

    [TestCaseSource(nameof(Unsupported))]
    public async Task Unsupported_request_parts_get_googles_invalid_argument(JsonObject extra, string query)
    {
        var request = Request(["date"], ["sessions"], World.Options.StartDate, World.Options.StartDate);
        foreach (var (key, value) in extra)
        {
            request[key] = value?.DeepClone();
        }

        var (status, body) = await PostJson(RunReportUrl + query, request, Bearer(Server.IssueGoogleAccessToken()));

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest), body.ToJsonString());
        Assert.That(body["error"]!["code"]!.GetValue<int>(), Is.EqualTo(400));
        Assert.That(Str(body["error"]!["status"]), Is.EqualTo("INVALID_ARGUMENT"));
        Assert.That(Str(body["error"]!["message"]), Is.Not.Empty);
    }

    [Test]
    public async Task A_second_date_range_and_a_dimension_expression_are_refused()
    {
        var two = Request(["date"], ["sessions"], World.Options.StartDate, World.Options.StartDate);
        two["dateRanges"]!.AsArray().Add(new JsonObject { ["startDate"] = "7daysAgo", ["endDate"] = "today" });
        var expression = Request([], ["sessions"], World.Options.StartDate, World.Options.StartDate);
        expression["dimensions"] = new JsonArray(new JsonObject { ["name"] = "x", ["dimensionExpression"] = new JsonObject() });
        foreach (var request in new[] { two, expression })
        {
            var (status, body) = await PostJson(RunReportUrl, request, Bearer(Server.IssueGoogleAccessToken()));
            Assert.That((status, Str(body["error"]!["status"])), Is.EqualTo((HttpStatusCode.BadRequest, "INVALID_ARGUMENT")));
        }
    }

    [Test]
    public async Task Filtering_on_the_email_channel_returns_only_email_rows_with_their_true_sessions()
    {
        var from = World.Options.StartDate;
        var to = from.AddDays(9);
        var request = Request(["date", "sessionDefaultChannelGroup"], ["sessions"], from, to);
        request["dimensionFilter"] = StringFilter("sessionDefaultChannelGroup", "EXACT", "email");

        var rows = Rows(await Ok(request));

        Assert.That(rows.Select(r => r.Dims[1]).Distinct(), Is.EqualTo(new[] { "Email" }), "EXACT is case-insensitive unless caseSensitive");
        for (var d = from; d <= to; d = d.AddDays(1))
        {
            var day = d.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
            Assert.That(rows.Where(r => r.Dims[0] == day).Sum(r => L(r.Metrics[0])), Is.EqualTo(World.Truth.Ga4Sessions(d, "Email")), day);
        }

        request["dimensionFilter"] = StringFilter("sessionDefaultChannelGroup", "EXACT", "email", caseSensitive: true);
        Assert.That(Rows(await Ok(request)), Is.Empty, "a case-sensitive match finds no 'email'");
    }

    [Test]
    public async Task And_or_not_in_list_and_regular_expression_filters_select_the_true_subsets()
    {
        var day = World.Options.StartDate.AddDays(3);
        var segments = World.Truth.Ga4Segments(day);
        async Task<long> Sessions(JsonObject filter)
        {
            var request = Request([], ["sessions"], day, day);
            request["dimensionFilter"] = filter;
            return Rows(await Ok(request)).Sum(r => L(r.Metrics[0]));
        }

        var notEmailOrDirect = new JsonObject
        {
            ["notExpression"] = new JsonObject
            {
                ["filter"] = new JsonObject { ["fieldName"] = "sessionDefaultChannelGroup", ["inListFilter"] = new JsonObject { ["values"] = new JsonArray("Email", "Direct") } },
            },
        };
        Assert.That(await Sessions(notEmailOrDirect), Is.EqualTo(segments.Where(s => s.Channel is not ("Email" or "Direct")).Sum(s => s.Sessions)));

        var googleCpc = new JsonObject { ["andGroup"] = new JsonObject { ["expressions"] = new JsonArray(StringFilter("sessionSource", "BEGINS_WITH", "goo"), StringFilter("sessionMedium", "ENDS_WITH", "pc")) } };
        Assert.That(await Sessions(googleCpc), Is.EqualTo(segments.Where(s => s.Source.StartsWith("goo", StringComparison.Ordinal) && s.Medium.EndsWith("pc", StringComparison.Ordinal)).Sum(s => s.Sessions)));

        var socialOrMobile = new JsonObject { ["orGroup"] = new JsonObject { ["expressions"] = new JsonArray(StringFilter("sessionDefaultChannelGroup", "CONTAINS", "social"), StringFilter("deviceCategory", "FULL_REGEXP", "mob.*")) } };
        Assert.That(await Sessions(socialOrMobile), Is.EqualTo(segments.Where(s => s.Channel.Contains("Social", StringComparison.Ordinal) || s.Device == "mobile").Sum(s => s.Sessions)));

        var blogPages = StringFilter("landingPagePlusQueryString", "PARTIAL_REGEXP", "^/BLOG/");
        Assert.That(await Sessions(blogPages), Is.EqualTo(segments.Where(s => s.LandingPage.StartsWith("/blog/", StringComparison.Ordinal)).Sum(s => s.Sessions)).And.GreaterThan(0));
    }

    [Test]
    public async Task Order_bys_sort_by_metric_and_by_dimension_type()
    {
        var from = World.Options.StartDate;
        var request = Request(["date", "sessionDefaultChannelGroup"], ["sessions"], from, from.AddDays(4));
        request["orderBys"] = new JsonArray(new JsonObject { ["metric"] = new JsonObject { ["metricName"] = "sessions" }, ["desc"] = true });
        var bySessions = Rows(await Ok(request)).Select(r => L(r.Metrics[0])).ToList();
        Assert.That(bySessions, Is.Ordered.Descending);
        Assert.That(bySessions.Sum(), Is.EqualTo(Enumerable.Range(0, 5).Sum(i => World.Truth.Ga4Sessions(from.AddDays(i)))));

        request["orderBys"] = new JsonArray(
            new JsonObject { ["dimension"] = new JsonObject { ["dimensionName"] = "sessionDefaultChannelGroup", ["orderType"] = "ALPHANUMERIC" } },
            new JsonObject { ["dimension"] = new JsonObject { ["dimensionName"] = "date", ["orderType"] = 3 }, ["desc"] = true }); // NUMERIC as its enum number
        var byChannelThenDate = Rows(await Ok(request)).Select(r => (Channel: r.Dims[1], Date: r.Dims[0])).ToList();
        var expected = byChannelThenDate.OrderBy(r => r.Channel, StringComparer.Ordinal).ThenByDescending(r => r.Date, StringComparer.Ordinal).ToList();
        Assert.That(byChannelThenDate, Is.EqualTo(expected));
    }

    [Test]
    public async Task Metric_aggregations_give_totals_maximums_and_minimums()
    {
        var from = World.Options.StartDate;
        var to = from.AddDays(6);
        var request = Request(["date"], ["sessions"], from, to);
        request["metricAggregations"] = new JsonArray("TOTAL", 6, "MINIMUM"); // MAXIMUM as its enum number

        var body = await Ok(request);

        var daily = Enumerable.Range(0, 7).Select(i => World.Truth.Ga4Sessions(from.AddDays(i))).ToList();
        Assert.That(L(Str(body["totals"]![0]!["metricValues"]![0]!["value"])), Is.EqualTo(daily.Sum()));
        Assert.That(Str(body["totals"]![0]!["dimensionValues"]![0]!["value"]), Is.EqualTo("RESERVED_TOTAL"));
        Assert.That(L(Str(body["maximums"]![0]!["metricValues"]![0]!["value"])), Is.EqualTo(daily.Max()));
        Assert.That(L(Str(body["minimums"]![0]!["metricValues"]![0]!["value"])), Is.EqualTo(daily.Min()));
    }

    [Test]
    public async Task Rows_with_only_zero_metrics_are_left_out_unless_keep_empty_rows()
    {
        var from = World.Options.StartDate;
        var request = Request(["date", "landingPagePlusQueryString"], ["transactions"], from, from.AddDays(2));
        var without = Rows(await Ok(request));
        request["keepEmptyRows"] = true;
        var with = Rows(await Ok(request));

        Assert.That(without.Select(r => r.Metrics[0]), Has.None.EqualTo("0"));
        Assert.That(with.Count(r => r.Metrics[0] == "0"), Is.GreaterThan(0));
        Assert.That(with.Where(r => r.Metrics[0] != "0").Select(r => string.Join('|', r.Dims)), Is.EquivalentTo(without.Select(r => string.Join('|', r.Dims))));
    }

    [Test]
    public async Task Int_enum_encoding_sends_metric_types_as_numbers_and_accepts_numbered_match_types()
    {
        var day = World.Options.StartDate;
        var request = Request(["sessionDefaultChannelGroup"], ["sessions", "purchaseRevenue", "keyEvents"], day, day);
        request["dimensionFilter"] = StringFilter("sessionDefaultChannelGroup", "x", "Direct");
        request["dimensionFilter"]!["filter"]!["stringFilter"]!["matchType"] = 1; // EXACT

        var body = await Ok(request, "?$alt=json;enum-encoding=int");

        Assert.That(body["metricHeaders"]!.AsArray().Select(h => h!["type"]!.GetValue<int>()), Is.EqualTo(new[] { 1, 9, 2 }));
        Assert.That(Rows(body).Select(r => r.Dims[0]), Is.EqualTo(new[] { "Direct" }));
        var (_, metadata) = await GetJson($"ga4/v1beta/properties/{Server.Credentials.Ga4PropertyId}/metadata?$alt=json;enum-encoding=int", Bearer(Server.IssueGoogleAccessToken()));
        Assert.That(metadata["metrics"]!.AsArray().Single(m => Str(m!["apiName"]) == "advertiserAdCost")!["type"]!.GetValue<int>(), Is.EqualTo(9));
    }

    [Test]
    public async Task Google_ads_cost_by_campaign_equals_the_ground_truth_and_needs_compatible_names()
    {
        var day = World.Options.StartDate.AddDays(5);
        var request = Request(["date", "sessionGoogleAdsAccountName", "sessionGoogleAdsCampaignId", "sessionGoogleAdsCampaignName"],
            ["advertiserAdCost", "advertiserAdClicks", "advertiserAdImpressions"], day, day);

        var body = await Ok(request);

        Assert.That(body["metricHeaders"]!.AsArray().Select(h => Str(h!["type"])), Is.EqualTo(new[] { "TYPE_CURRENCY", "TYPE_INTEGER", "TYPE_INTEGER" }));
        var rows = Rows(body);
        Assert.That(rows.Select(r => r.Dims[3]), Is.EquivalentTo(World.Truth.GoogleAdsCampaigns.Select(c => c.Name)));
        foreach (var campaign in World.Truth.GoogleAdsCampaigns)
        {
            var row = rows.Single(r => r.Dims[2] == campaign.Id);
            Assert.That(decimal.Parse(row.Metrics[0], CultureInfo.InvariantCulture), Is.EqualTo(World.Truth.GoogleAdsCost(day, campaign.Id)));
            Assert.That(L(row.Metrics[1]), Is.EqualTo(World.Truth.GoogleAdsClicks(day, campaign.Id)));
            Assert.That(L(row.Metrics[2]), Is.EqualTo(World.Truth.GoogleAdsImpressions(day, campaign.Id)));
            Assert.That(row.Dims[1], Is.EqualTo(World.Truth.GoogleAdsAccountName));
        }

        var mixed = Request(["date"], ["advertiserAdCost", "sessions"], day, day);
        var (status, error) = await PostJson(RunReportUrl, mixed, Bearer(Server.IssueGoogleAccessToken()));
        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(Str(error["error"]!["message"]), Does.StartWith("Please remove sessions to make the request compatible."));
    }

    [Test]
    public async Task The_outage_day_answers_an_empty_report_and_its_truth_is_zero()
    {
        var outage = World.Truth.Ga4OutageDate!.Value;

        var body = await Ok(Request(["date", "sessionDefaultChannelGroup"], ["sessions"], outage, outage));

        Assert.That(body.AsObject().ContainsKey("rows"), Is.False);
        Assert.That(body.AsObject().ContainsKey("rowCount"), Is.False);
        Assert.That(World.Truth.Ga4Sessions(outage), Is.Zero);
        Assert.That(World.Truth.Ga4Segments(outage), Is.Empty);
        Assert.That(World.Truth.Ga4UsersByChannel(outage), Is.Empty);
        Assert.That(World.Truth.GoogleAdsCost(outage) + World.Truth.GoogleAdsClicks(outage) + World.Truth.GoogleAdsImpressions(outage), Is.Zero);
        Assert.That(World.Truth.Ga4Sessions(outage.AddDays(1)), Is.GreaterThan(0));
    }

    [Test]
    public async Task Relative_dates_of_a_pinned_world_count_from_its_last_day()
    {
        var request = Request(["date"], ["sessions"], World.Today, World.Today);
        request["dateRanges"] = new JsonArray(new JsonObject { ["startDate"] = "yesterday", ["endDate"] = "today" });

        var dates = Rows(await Ok(request)).Select(r => r.Dims[0]).ToList();

        Assert.That(dates, Is.EquivalentTo(new[] { World.Today.AddDays(-1), World.Today }.Select(d => d.ToString("yyyyMMdd", CultureInfo.InvariantCulture))));
    }

    [Test]
    public void Relative_dates_of_a_wall_clock_world_use_today_in_the_property_zone()
    {
        var world = new SandboxWorld(WorldOptions.Demo with { Days = 3, FollowsWallClock = true });

        // 23:30 UTC in winter is already the next day in Berlin (UTC+1).
        Assert.That(world.Ga4.Today(new DateTimeOffset(2026, 3, 10, 23, 30, 0, TimeSpan.Zero)), Is.EqualTo(new DateOnly(2026, 3, 11)));
        Assert.That(world.Ga4.Today(new DateTimeOffset(2026, 3, 10, 22, 30, 0, TimeSpan.Zero)), Is.EqualTo(new DateOnly(2026, 3, 10)));
        Assert.That(new SandboxWorld(WorldOptions.Demo with { Days = 3 }).Ga4.Today(DateTimeOffset.UtcNow), Is.EqualTo(WorldOptions.Demo.StartDate.AddDays(2)));
    }

    /// <summary>What Google client libraries send for a service account: a JWT signed with its key, as the Bearer token.</summary>
    private string SelfSignedJwt(Action<JsonObject>? change = null, bool tamper = false)
    {
        var key = JsonNode.Parse(Server.CreateServiceAccountKeyJson())!;
        using var rsa = RSA.Create();
        rsa.ImportFromPem(key["private_key"]!.GetValue<string>());
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var email = key["client_email"]!.GetValue<string>();
        var payload = new JsonObject { ["iss"] = email, ["sub"] = email, ["aud"] = "https://analyticsdata.googleapis.com/", ["iat"] = now, ["exp"] = now + 3600 };
        change?.Invoke(payload);
        var header = new JsonObject { ["alg"] = "RS256", ["typ"] = "JWT", ["kid"] = key["private_key_id"]!.GetValue<string>() };
        var input = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload.ToJsonString()));
        var signature = rsa.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        if (tamper)
        {
            signature[0] ^= 0xFF;
        }

        return input + "." + Base64Url.EncodeToString(signature);
    }

    [Test]
    public async Task A_self_signed_service_account_jwt_is_accepted_as_the_bearer_token()
    {
        var request = Request(["date"], ["sessions"], World.Options.StartDate, World.Options.StartDate);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var cases = new (string Name, string Token, HttpStatusCode Expected)[]
        {
            ("aud", SelfSignedJwt(), HttpStatusCode.OK),
            ("scope", SelfSignedJwt(p => { p.Remove("aud"); p["scope"] = "https://www.googleapis.com/auth/analytics.readonly"; }), HttpStatusCode.OK),
            ("bad signature", SelfSignedJwt(tamper: true), HttpStatusCode.Unauthorized),
            ("expired", SelfSignedJwt(p => { p["iat"] = now - 7200; p["exp"] = now - 3600; }), HttpStatusCode.Unauthorized),
            ("other audience", SelfSignedJwt(p => p["aud"] = "https://www.googleapis.com/"), HttpStatusCode.Unauthorized),
            ("other issuer", SelfSignedJwt(p => p["iss"] = "someone@else.iam.gserviceaccount.com"), HttpStatusCode.Unauthorized),
        };
        foreach (var (name, token, expected) in cases)
        {
            var (status, body) = await PostJson(RunReportUrl, request, Bearer(token));
            Assert.That(status, Is.EqualTo(expected), $"{name}: {body.ToJsonString()}");
        }
    }
}

/// <summary>A property without a Google Ads link: no Google Ads names in metadata or reports.</summary>
public class Ga4UnlinkedTests : SandboxFixture
{
    protected override SandboxOptions Options => new() { World = WorldOptions.Demo with { Days = 10, Ga4GoogleAdsLinked = false } };

    [Test]
    public async Task Metadata_lacks_the_google_ads_names_and_reports_refuse_them()
    {
        var token = Server.IssueGoogleAccessToken();
        var (_, metadata) = await GetJson($"ga4/v1beta/properties/{Server.Credentials.Ga4PropertyId}/metadata", Bearer(token));
        var names = metadata["metrics"]!.AsArray().Select(m => Str(m!["apiName"])).Concat(metadata["dimensions"]!.AsArray().Select(d => Str(d!["apiName"]))).ToList();
        Assert.That(names, Has.Member("sessions"));
        Assert.That(names.Where(n => n.StartsWith("advertiserAd", StringComparison.Ordinal) || n.StartsWith("sessionGoogleAds", StringComparison.Ordinal)), Is.Empty);

        var request = new JsonObject
        {
            ["metrics"] = new JsonArray(new JsonObject { ["name"] = "advertiserAdCost" }),
            ["dateRanges"] = new JsonArray(new JsonObject { ["startDate"] = "7daysAgo", ["endDate"] = "today" }),
        };
        var (status, body) = await PostJson($"ga4/v1beta/properties/{Server.Credentials.Ga4PropertyId}:runReport", request, Bearer(token));
        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(Str(body["error"]!["message"]), Does.StartWith("Field advertiserAdCost is not a valid metric."));
        Assert.That(Server.World.Truth.GoogleAdsDays(Server.World.Today), Is.Empty);
    }
}
