using System.Net;
using System.Text;
using Pipeline.Connectors.Auth;
using Pipeline.Connectors.Sdk.Tests.Support;

namespace Pipeline.Connectors.Sdk.Tests;

public class AuthTests
{
    /// <summary>Token endpoint at /token issuing t1, t2, …; the API at /data accepts only the tokens in <paramref name="accepted"/>.</summary>
    private static Task<FakeApi> StartOAuthApiAsync(Counter tokenCalls, params string[] accepted) =>
        FakeApi.StartAsync(async (ctx, _) =>
        {
            if (ctx.Request.Path == "/token")
            {
                var form = await ctx.Request.ReadFormAsync();
                var n = Interlocked.Increment(ref tokenCalls.Value);
                tokenCalls.Forms.Enqueue(form.ToDictionary(f => f.Key, f => f.Value.ToString()));
                await ctx.Json($$"""{"access_token":"t{{n}}","expires_in":3600,"token_type":"bearer"}""");
                return;
            }

            var presented = ctx.Request.Headers.Authorization.ToString();
            await (accepted.Any(t => presented == $"Bearer {t}") ? ctx.Json("{}") : ctx.Status(401));
        });

    [Test]
    public async Task A_401_refreshes_the_token_once_and_retries_once()
    {
        var tokenCalls = new Counter();
        await using var api = await StartOAuthApiAsync(tokenCalls, "t2");
        using var tokenClient = new HttpClient();
        var tokens = new OAuthRefreshTokenProvider(tokenClient, Settings(api));
        using var client = TestClients.Create(TestClients.FastOptions(api), tokens: tokens);

        using var response = await client.GetAsync("data");

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(tokenCalls.Value, Is.EqualTo(2));
            Assert.That(api.Arrivals.Where(a => a.PathAndQuery == "/data").Select(a => a.Authorization), Is.EqualTo(new[] { "Bearer t1", "Bearer t2" }));
        });
    }

    [Test]
    public async Task A_second_401_is_returned_without_more_refreshes()
    {
        var tokenCalls = new Counter();
        await using var api = await StartOAuthApiAsync(tokenCalls /* accepts nothing */);
        using var tokenClient = new HttpClient();
        var tokens = new OAuthRefreshTokenProvider(tokenClient, Settings(api));
        using var client = TestClients.Create(TestClients.FastOptions(api), tokens: tokens);

        using var response = await client.GetAsync("data");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(tokenCalls.Value, Is.EqualTo(2));
        Assert.That(api.Arrivals.Count(a => a.PathAndQuery == "/data"), Is.EqualTo(2));
    }

    [Test]
    public async Task A_fixed_key_is_not_retried_on_401()
    {
        await using var api = await FakeApi.StartAsync((ctx, _) => ctx.Status(401));
        using var client = TestClients.Create(TestClients.FastOptions(api), tokens: new StaticTokenProvider("pat-123"));

        using var response = await client.GetAsync("data");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(api.Requests, Is.EqualTo(1));
        Assert.That(api.Arrivals.Single().Authorization, Is.EqualTo("Bearer pat-123"));
    }

    [Test]
    public async Task Concurrent_401s_cause_a_single_refresh()
    {
        var tokenCalls = new Counter();
        await using var api = await StartOAuthApiAsync(tokenCalls, "t2");
        using var tokenClient = new HttpClient();
        var tokens = new OAuthRefreshTokenProvider(tokenClient, Settings(api));
        using var client = TestClients.Create(TestClients.FastOptions(api), tokens: tokens);
        await tokens.GetTokenAsync(CancellationToken.None); // everyone starts with t1

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => client.GetAsync("data")));

        Assert.That(responses.Select(r => r.StatusCode), Is.All.EqualTo(HttpStatusCode.OK));
        Assert.That(tokenCalls.Value, Is.EqualTo(2));
        foreach (var r in responses)
        {
            r.Dispose();
        }
    }

    [Test]
    public async Task OAuth_provider_caches_until_shortly_before_expiry_and_uses_a_rotated_refresh_token()
    {
        var calls = 0;
        await using var api = await FakeApi.StartAsync(async (ctx, _) =>
        {
            var form = await ctx.Request.ReadFormAsync();
            var n = Interlocked.Increment(ref calls);
            Assert.Multiple(() =>
            {
                Assert.That(form["grant_type"].ToString(), Is.EqualTo("refresh_token"));
                Assert.That(form["client_id"].ToString(), Is.EqualTo("client"));
                Assert.That(form["client_secret"].ToString(), Is.EqualTo("shh"));
                Assert.That(form["refresh_token"].ToString(), Is.EqualTo(n == 1 ? "rt-0" : "rt-1"));
            });
            // expires_in as a string: some issuers do that.
            await ctx.Json($$"""{"access_token":"a{{n}}","expires_in":"3600","refresh_token":"rt-{{n}}"}""");
        });
        var clock = new ManualTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var http = new HttpClient();
        var tokens = new OAuthRefreshTokenProvider(http, Settings(api), clock, refreshBefore: TimeSpan.FromMinutes(2));

        var first = await tokens.GetTokenAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(57));
        var cached = await tokens.GetTokenAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1)); // now inside the 2-minute refresh margin
        var refreshed = await tokens.GetTokenAsync(CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(new[] { first, cached, refreshed }, Is.EqualTo(new[] { "a1", "a1", "a2" }));
            Assert.That(calls, Is.EqualTo(2));
            Assert.That(tokens.FetchCount, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Invalidate_ignores_a_token_that_was_already_replaced()
    {
        var calls = 0;
        await using var api = await FakeApi.StartAsync((ctx, _) =>
            ctx.Json($$"""{"access_token":"a{{Interlocked.Increment(ref calls)}}","expires_in":3600}"""));
        using var http = new HttpClient();
        var tokens = new OAuthRefreshTokenProvider(http, Settings(api));

        await tokens.GetTokenAsync(CancellationToken.None);
        tokens.Invalidate("a1");
        var second = await tokens.GetTokenAsync(CancellationToken.None);
        tokens.Invalidate("a1"); // a late 401 for the old token
        var stillSecond = await tokens.GetTokenAsync(CancellationToken.None);

        Assert.That(new[] { second, stillSecond }, Is.EqualTo(new[] { "a2", "a2" }));
        Assert.That(calls, Is.EqualTo(2));
    }

    [Test]
    public async Task Refused_refresh_names_the_OAuth_error_but_not_the_secret()
    {
        await using var api = await FakeApi.StartAsync((ctx, _) =>
            ctx.Json("""{"error":"invalid_grant","error_description":"refresh token revoked"}""", 400));
        using var http = new HttpClient();
        var tokens = new OAuthRefreshTokenProvider(http, Settings(api));

        var error = Assert.ThrowsAsync<TokenRefreshException>(async () => await tokens.GetTokenAsync(CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("invalid_grant (refresh token revoked)"));
        Assert.That(error.Message, Does.Not.Contain("shh"));
        Assert.That(error.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task Basic_placement_sends_the_key_as_password()
    {
        await using var api = await FakeApi.StartAsync((ctx, _) => ctx.Json("{}"));
        var options = TestClients.FastOptions(api);
        options.TokenPlacement = TokenPlacement.Basic("anystring");
        using var client = TestClients.Create(options, tokens: new StaticTokenProvider("key-us6"));

        using var response = await client.GetAsync("3.0/lists");

        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("anystring:key-us6"));
        Assert.That(api.Arrivals.Single().Authorization, Is.EqualTo(expected));
    }

    [Test]
    public async Task Query_placement_replaces_the_token_on_the_retry_after_401()
    {
        var tokenCalls = new Counter();
        await using var api = await FakeApi.StartAsync(async (ctx, _) =>
        {
            if (ctx.Request.Path == "/token")
            {
                await ctx.Json($$"""{"access_token":"t{{Interlocked.Increment(ref tokenCalls.Value)}}","expires_in":3600}""");
                return;
            }

            await (ctx.Request.Query["access_token"] == "t2" ? ctx.Json("{}") : ctx.Status(401));
        });
        var options = TestClients.FastOptions(api);
        options.TokenPlacement = TokenPlacement.Query("access_token");
        using var tokenClient = new HttpClient();
        using var client = TestClients.Create(options, tokens: new OAuthRefreshTokenProvider(tokenClient, Settings(api)));

        using var response = await client.GetAsync("v21.0/act_1/insights?fields=spend&limit=100");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(
            api.Arrivals.Where(a => a.PathAndQuery.StartsWith("/v21.0", StringComparison.Ordinal)).Select(a => a.PathAndQuery),
            Is.EqualTo(new[]
            {
                "/v21.0/act_1/insights?fields=spend&limit=100&access_token=t1",
                "/v21.0/act_1/insights?fields=spend&limit=100&access_token=t2",
            }));
    }

    private static OAuthRefreshSettings Settings(FakeApi api) => new(new Uri(api.BaseAddress, "token"), "client", "shh", "rt-0");

    internal sealed class Counter
    {
        public int Value;

        public System.Collections.Concurrent.ConcurrentQueue<Dictionary<string, string>> Forms { get; } = new();
    }
}
