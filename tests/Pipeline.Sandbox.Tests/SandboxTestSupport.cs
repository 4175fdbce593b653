using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Pipeline.Sandbox.World;

namespace Pipeline.Sandbox.Tests;

/// <summary>Starts one sandbox per fixture on an OS-assigned loopback port.</summary>
public abstract class SandboxFixture
{
    protected SandboxServer Server { get; private set; } = null!;
    protected HttpClient Http { get; private set; } = null!;

    protected virtual SandboxOptions Options => new() { World = WorldOptions.Demo };

    [OneTimeSetUp]
    public async Task StartSandbox()
    {
        Server = await SandboxServer.StartAsync(Options);
        Http = new HttpClient { BaseAddress = Server.BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
    }

    [OneTimeTearDown]
    public async Task StopSandbox()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }

    [SetUp]
    public void ResetFaults()
    {
        Server.Faults.ClearForced();
        Server.Faults.Options = Faults.FaultOptions.None;
    }

    protected static async Task<JsonNode> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(text) ?? throw new InvalidOperationException("empty body");
    }

    protected async Task<(HttpStatusCode Status, JsonNode Body)> GetJson(string url, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        configure?.Invoke(request);
        using var response = await Http.SendAsync(request);
        return (response.StatusCode, await Json(response));
    }

    protected async Task<(HttpStatusCode Status, JsonNode Body)> PostJson(string url, JsonNode body, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        configure?.Invoke(request);
        using var response = await Http.SendAsync(request);
        return (response.StatusCode, await Json(response));
    }

    protected static Action<HttpRequestMessage> Bearer(string token) => r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

    protected static Action<HttpRequestMessage> Basic(string apiKey) =>
        r => r.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("anystring:" + apiKey)));

    protected static string Str(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw new AssertionException($"expected a JSON string, got {node?.ToJsonString() ?? "null"}");
}
