using System.Net;
using System.Text.Json.Nodes;
using Pipeline.Sandbox;
using Pipeline.Sandbox.World;

namespace Pipeline.Connectors.Pipedrive.Tests;

/// <summary>The sandbox's Pipedrive routes answer like the platform and refuse what they do not emulate.</summary>
public sealed class PipedriveSandboxTests
{
    [Test]
    public async Task An_unemulated_parameter_is_refused_with_Pipedrives_error_body()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { World = WorldOptions.Demo with { Days = 10 } });
        using var http = new HttpClient { BaseAddress = sandbox.PipedriveBaseAddress };
        http.DefaultRequestHeaders.Add("x-api-token", sandbox.Credentials.PipedriveApiToken);

        using var response = await http.GetAsync(new Uri("api/v2/deals?owner_id=1", UriKind.Relative));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.That(body["success"]!.GetValue<bool>(), Is.False);
        Assert.That(body["error"]!.GetValue<string>(), Does.Contain("owner_id"));
    }

    [Test]
    public async Task The_api_token_parameter_authenticates_and_a_wrong_token_is_unauthorized()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { World = WorldOptions.Demo with { Days = 10 } });
        using var http = new HttpClient { BaseAddress = sandbox.PipedriveBaseAddress };

        using var ok = await http.GetAsync(new Uri($"api/v2/persons?limit=500&api_token={sandbox.Credentials.PipedriveApiToken}", UriKind.Relative));
        using var wrong = await http.GetAsync(new Uri("api/v2/persons?api_token=nope", UriKind.Relative));

        Assert.That(ok.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var page = JsonNode.Parse(await ok.Content.ReadAsStringAsync())!;
        Assert.That(page["data"]!.AsArray(), Has.Count.EqualTo(sandbox.World.Pipedrive.Persons.Count));
        Assert.That(page["additional_data"]!["next_cursor"], Is.Null, "one page holds them all: no next cursor");
        Assert.That(wrong.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Updated_since_returns_only_records_changed_from_then()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { World = WorldOptions.Demo with { Days = 10 } });
        using var http = new HttpClient { BaseAddress = sandbox.PipedriveBaseAddress };
        http.DefaultRequestHeaders.Add("x-api-token", sandbox.Credentials.PipedriveApiToken);
        var deals = sandbox.World.Pipedrive.Deals;
        var since = deals.OrderBy(d => d.UpdateTime).ElementAt(deals.Count / 2).UpdateTime;

        var body = JsonNode.Parse(await http.GetStringAsync(new Uri($"api/v2/deals?limit=500&updated_since={since:yyyy-MM-dd'T'HH:mm:ss'Z'}", UriKind.Relative)))!;

        Assert.That(body["data"]!.AsArray(), Has.Count.EqualTo(deals.Count(d => d.UpdateTime >= since.AddTicks(-(since.Ticks % TimeSpan.TicksPerSecond)))));
    }
}
