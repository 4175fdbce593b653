using System.Globalization;
using Pipeline.Sandbox;
using Pipeline.Sandbox.World;

// dotnet run --project ops/Sandbox -- --port 5055 --seed 42 --days 90 [--benchmark-scale 0.1] [--quiet]
var port = 5055;
var seed = 42;
int? days = null;
double? scale = null;
var quiet = false;
for (var i = 0; i < args.Length; i++)
{
    string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--port": port = int.Parse(Value(), CultureInfo.InvariantCulture); break;
        case "--seed": seed = int.Parse(Value(), CultureInfo.InvariantCulture); break;
        case "--days": days = int.Parse(Value(), CultureInfo.InvariantCulture); break;
        case "--benchmark-scale": scale = double.Parse(Value(), CultureInfo.InvariantCulture); break;
        case "--quiet": quiet = true; break;
        default:
            Console.Error.WriteLine("usage: pipeline-sandbox [--port 5055] [--seed 42] [--days 90] [--benchmark-scale 1.0] [--quiet]");
            return 2;
    }
}

// The demo world ends yesterday, so relative dates (yesterday, 7daysAgo) behave like production.
var world = scale is { } s
    ? WorldOptions.Benchmark(s, seed) with { Days = days ?? 365 }
    : WorldOptions.Demo with { Seed = seed, Days = days ?? 90, StartDate = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-(days ?? 90)), FollowsWallClock = true };
await using var server = await SandboxServer.StartAsync(new SandboxOptions { Port = port, World = world, ConsoleLogging = !quiet });
var c = server.Credentials;
var keyFile = Path.Combine(Path.GetTempPath(), $"pipeline-sandbox-{port}-service-account.json");
await File.WriteAllTextAsync(keyFile, c.GoogleServiceAccountKeyJson);

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
    Pipeline sandbox listening on {server.BaseAddress} (seed {seed}, {world.StartDate:yyyy-MM-dd} .. {world.EndDate:yyyy-MM-dd})

    GA4        base {server.Ga4BaseAddress}   property {c.Ga4PropertyId}
               token endpoint {server.GoogleTokenUri}
               service-account key file {keyFile}
               OAuth client_id {c.GoogleClientId} client_secret {c.GoogleClientSecret} refresh_token {c.GoogleRefreshToken}
    Meta       base {server.MetaBaseAddress}v21.0/   access_token {c.MetaAccessToken}
               ad accounts {string.Join(", ", c.MetaAdAccountIds.Select(id => "act_" + id))}
    Mailchimp  base {server.MailchimpBaseAddress}   api keys {string.Join(", ", c.MailchimpApiKeys)}
    HubSpot    base {server.HubSpotBaseAddress}   token {c.HubSpotAccessToken}

    POST {server.BaseAddress}_sandbox/advance-read-generation restates recent data. Ctrl+C stops.
    """));

// The host's console lifetime turns Ctrl+C and SIGTERM into a shutdown request.
await server.WaitForShutdownAsync();
return 0;
