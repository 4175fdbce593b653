using System.Net;

namespace Pipeline.Connectors.Meta.Tests;

public sealed class MetaOptionsTests
{
    private static MetaOptions Valid() => new() { AccessToken = "EAAtoken", AdAccountIds = ["act_123", "456"] };

    [Test]
    public void Defaults_with_a_token_and_accounts_are_valid()
    {
        var options = Valid();

        Assert.That(options.Validate(), Is.Empty);
        Assert.That(options.AccountIds, Is.EqualTo(new[] { "123", "456" }));
        Assert.That(options.EffectiveBreakdowns.Select(b => string.Join(',', b)), Is.EqualTo(new[] { "country", "device_platform", "publisher_platform" }));
    }

    [Test]
    public void Problems_name_their_keys()
    {
        var options = new MetaOptions
        {
            ApiVersion = "21",
            AdAccountIds = ["123", "act_123", "abc"],
            Level = "creative",
            ActionTypes = ["purchase", "Purchase!"],
            AttributionWindows = ["7d_click", "28d_view"],
            Breakdowns = ["country", "country", "bad name"],
            LookbackDays = 29,
            FirstRunDays = 2000,
            PageSize = 0,
        };

        var keys = options.Validate().Select(p => p.Key).ToList();

        Assert.That(keys, Is.EquivalentTo(new[]
        {
            "ApiVersion", "AccessToken", "AdAccountIds:1", "AdAccountIds:2", "Level", "ActionTypes:1", "AttributionWindows:1",
            "Breakdowns:1", "Breakdowns:2", "LookbackDays", "FirstRunDays", "PageSize",
        }));
        Assert.That(options.Validate().Single(p => p.Key == "AttributionWindows:1").Message, Does.Contain("no longer returned"));
    }

    [Test]
    public void Streams_follow_the_configured_level_breakdowns_action_types_and_windows()
    {
        var options = Valid();
        options.Level = "campaign";
        options.ActionTypes = ["offsite_conversion.fb_pixel_purchase"];
        options.AttributionWindows = ["1d_click"];
        options.Breakdowns = ["publisher_platform,platform_position"];

        var streams = MetaStreams.All(options);

        Assert.That(streams.Select(s => s.Name), Is.EqualTo(new[]
        {
            "ad_accounts", "campaigns", "adsets", "ads", "insights_daily", "insights_daily_by_publisher_platform_platform_position",
        }));
        var broken = streams[^1];
        Assert.That(broken.PrimaryKey, Is.EqualTo(new[] { "date_start", "account_id", "campaign_id", "publisher_platform", "platform_position" }));
        Assert.That(broken.Fields.Select(f => f.Name), Does.Contain("actions_offsite_conversion_fb_pixel_purchase_1d_click")
            .And.Contain("action_values_offsite_conversion_fb_pixel_purchase").And.Not.Contain("ad_id"));
        Assert.That(broken.Field("spend").Type, Is.EqualTo(Streams.FieldType.Decimal));
        Assert.That(broken.Field("actions").Type, Is.EqualTo(Streams.FieldType.Json));
        Assert.That(streams.Where(s => s.Name.StartsWith("insights_", StringComparison.Ordinal)).Select(s => s.Field("reach_unavailable")),
            Has.All.Matches<Streams.FieldDef>(f => f.Type == Streams.FieldType.Boolean && !f.Nullable), "every insights stream tells added-up rows apart");
        Assert.That(new MetaOptions { Breakdowns = ["none"] }.EffectiveBreakdowns, Is.Empty);
    }
}

public sealed class MetaThrottleTests
{
    private const string Usage = """{"1234":[{"type":"ads_insights","call_count":82,"total_cputime":30,"total_time":91,"estimated_time_to_regain_access":0}]}""";

    [Test]
    public void Usage_headers_give_the_highest_utilisation_and_the_regain_estimate()
    {
        var usage = MetaUsage.Parse(
            """{"1234":[{"type":"ads_management","call_count":10,"estimated_time_to_regain_access":0},{"type":"ads_insights","call_count":96,"total_cputime":20,"total_time":30,"estimated_time_to_regain_access":7}]}""",
            """{"acc_id_util_pct":40,"reset_time_duration":120}""",
            """{"app_id_util_pct":12,"acc_id_util_pct":41}""",
            "not json");

        Assert.That(usage.MaxPercent, Is.EqualTo(96));
        Assert.That(usage.RegainAccess, Is.EqualTo(TimeSpan.FromMinutes(7)));
        Assert.That(usage.Detail, Does.Contain("ads_insights call_count"));
        Assert.That(MetaUsage.Parse(null, null, null, null), Is.SameAs(MetaUsage.None));
    }

    [Test]
    public void Pacing_starts_at_the_threshold_and_is_bounded()
    {
        var max = TimeSpan.FromSeconds(20);

        Assert.That(new MetaUsage(60, TimeSpan.Zero, null).PauseFor(75, max), Is.EqualTo(TimeSpan.Zero));
        Assert.That(new MetaUsage(87.5, TimeSpan.Zero, null).PauseFor(75, max), Is.EqualTo(TimeSpan.FromSeconds(10)));
        Assert.That(new MetaUsage(100, TimeSpan.Zero, null).PauseFor(75, max), Is.EqualTo(max));
        Assert.That(new MetaUsage(80, TimeSpan.FromMinutes(30), null).PauseFor(75, max), Is.EqualTo(max), "a regain estimate is honoured only up to the bound");
    }

    [Test]
    public async Task A_429_with_a_meta_body_waits_for_the_regain_estimate()
    {
        using var response = Response(HttpStatusCode.TooManyRequests, 80004, "(#80004) There have been too many calls to this ad-account.");
        response.Headers.Add("x-business-use-case-usage", Usage.Replace("\"estimated_time_to_regain_access\":0", "\"estimated_time_to_regain_access\":2", StringComparison.Ordinal));

        var decision = await new MetaThrottleSignal().InterpretAsync(response, CancellationToken.None);

        Assert.That(decision, Is.Not.Null);
        Assert.That(decision!.Stop, Is.False);
        Assert.That(decision.Delay, Is.EqualTo(TimeSpan.FromMinutes(2)));
        Assert.That(decision.Reason, Does.Contain("80004").And.Contain("2 min"));
    }

    [TestCase(4)]
    [TestCase(17)]
    [TestCase(32)]
    [TestCase(613)]
    [TestCase(80014)]
    public async Task Throttle_codes_in_a_400_are_retried_with_backoff_when_meta_gives_no_estimate(int code)
    {
        using var response = Response(HttpStatusCode.BadRequest, code, "limit reached");
        response.Headers.Add("x-business-use-case-usage", Usage);

        var decision = await new MetaThrottleSignal().InterpretAsync(response, CancellationToken.None);

        Assert.That(decision, Is.Not.Null);
        Assert.That(decision!.Delay, Is.Null);
        Assert.That(decision.Stop, Is.False);
    }

    [Test]
    public async Task Other_errors_are_not_throttling()
    {
        using var invalid = Response(HttpStatusCode.BadRequest, 100, "(#100) Invalid parameter");
        using var reduce = Response(HttpStatusCode.InternalServerError, 1, "Please reduce the amount of data you're asking for, then retry your request");
        using var unknown = Response(HttpStatusCode.InternalServerError, 1, "An unknown error has occurred.");

        Assert.That(await new MetaThrottleSignal().InterpretAsync(invalid, CancellationToken.None), Is.Null);
        Assert.That(await new MetaThrottleSignal().InterpretAsync(reduce, CancellationToken.None), Is.Null);
        Assert.That((await new MetaThrottleSignal().InterpretAsync(unknown, CancellationToken.None))?.Reason, Does.Contain("transient"));
    }

    private static HttpResponseMessage Response(HttpStatusCode status, int code, string message) => new(status)
    {
        Content = new StringContent(
            $$$"""{"error":{"message":"{{{message}}}","type":"OAuthException","code":{{{code}}},"error_subcode":2446079,"fbtrace_id":"Axyz"}}"""),
    };
}
