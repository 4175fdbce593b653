using System.Globalization;
using Pipeline.Sandbox;
using Pipeline.Sandbox.World;

// dotnet run --project ops/Sandbox -- --port 5055 --seed 42 --days 90 [--end-date 2026-03-31] [--benchmark-scale 0.1] [--agency 100,100,20,20] [--quiet] [--json]
// --port 0 picks a free port; --json prints one machine-readable line (addresses and credentials) instead of the
// text banner: `pipeline demo` starts this program as a child process and reads that line.
var port = 5055;
var seed = 42;
int? days = null;
double? scale = null;
DateOnly? endDate = null;
var agency = new AgencyAccounts();
var quiet = false;
var json = false;
for (var i = 0; i < args.Length; i++)
{
    string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--port": port = int.Parse(Value(), CultureInfo.InvariantCulture); break;
        case "--seed": seed = int.Parse(Value(), CultureInfo.InvariantCulture); break;
        case "--days": days = int.Parse(Value(), CultureInfo.InvariantCulture); break;
        case "--benchmark-scale": scale = double.Parse(Value(), CultureInfo.InvariantCulture); break;
        case "--end-date": endDate = DateOnly.ParseExact(Value(), "yyyy-MM-dd", CultureInfo.InvariantCulture); break;
        case "--agency": agency = Agency(Value()); break;
        case "--quiet": quiet = true; break;
        case "--json": json = true; break;
        default:
            Console.Error.WriteLine("usage: pipeline-sandbox [--port 5055] [--seed 42] [--days 90] [--end-date yyyy-MM-dd] [--benchmark-scale 1.0] [--agency ga4,meta,mailchimp,hubspot] [--quiet] [--json]");
            return 2;
    }
}

// The demo world ends yesterday, so relative dates (yesterday, 7daysAgo) behave like production; with --end-date it
// is a fixed world ending that day (what `pipeline demo` asks for: its world ends on its own "today").
var world = scale is { } s
    ? WorldOptions.Benchmark(s, seed) with { Days = days ?? 365 }
    : endDate is { } end
        ? WorldOptions.Demo with { Seed = seed, Days = days ?? 90, StartDate = end.AddDays(1 - (days ?? 90)) }
        : WorldOptions.Demo with { Seed = seed, Days = days ?? 90, StartDate = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-(days ?? 90)), FollowsWallClock = true };
SandboxServer server;
try
{
    server = await SandboxServer.StartAsync(new SandboxOptions { Port = port, World = world, Agency = agency, ConsoleLogging = !quiet && !json });
}
catch (SandboxPortInUseException ex)
{
    // One line, not Kestrel's stack trace: the usual cause is a sandbox left running.
    Console.Error.WriteLine($"pipeline-sandbox: {ex.Message}");
    return 1;
}

await using var running = server;
var c = server.Credentials;
if (json)
{
    Console.WriteLine(SandboxDescription.Json(server));
    await server.WaitForShutdownAsync();
    return 0;
}

var keyFile = Path.Combine(Path.GetTempPath(), $"pipeline-sandbox-{port}-service-account.json");
await File.WriteAllTextAsync(keyFile, c.GoogleServiceAccountKeyJson);

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
    Pipeline sandbox listening on {server.BaseAddress} (seed {seed}, {world.StartDate:yyyy-MM-dd} .. {world.EndDate:yyyy-MM-dd})

    GA4        base {server.Ga4BaseAddress}   property {c.Ga4PropertyId}
               token endpoint {server.GoogleTokenUri}
               service-account key file {keyFile}
               OAuth client_id {c.GoogleClientId} client_secret {c.GoogleClientSecret} refresh_token {c.GoogleRefreshToken}
    Meta       base {server.MetaBaseAddress}v26.0/   access_token {c.MetaAccessToken}
               ad accounts {string.Join(", ", c.MetaAdAccountIds.Select(id => "act_" + id))}
    Mailchimp  base {server.MailchimpBaseAddress}   api keys {string.Join(", ", c.MailchimpApiKeys)}
    HubSpot    base {server.HubSpotBaseAddress}   token {c.HubSpotAccessToken}   portal {c.HubSpotPortalId}
    Pipedrive  base {server.PipedriveBaseAddress}   api_token {c.PipedriveApiToken}

    pipeline init --sandbox {server.BaseAddress} writes a pipeline.json for all of this.
    POST {server.BaseAddress}_sandbox/advance-read-generation restates recent data. Ctrl+C stops.
    """));

if (c.Clients.Count > 0)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"Agency clients: {agency.Ga4Properties} GA4 properties, {agency.MetaAdAccounts} Meta ad accounts, {agency.MailchimpAccounts} Mailchimp keys, {agency.HubSpotAccounts} HubSpot tokens; GET {server.BaseAddress}_sandbox/description lists them, GET {server.BaseAddress}_sandbox/stats what their limits saw."));
}

// The host's console lifetime turns Ctrl+C and SIGTERM into a shutdown request.
await server.WaitForShutdownAsync();
return 0;

// "100,100,20,20": client GA4 properties, Meta ad accounts, Mailchimp accounts, HubSpot portals.
static AgencyAccounts Agency(string text)
{
    var counts = text.Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture)).ToArray();
    return counts.Length == 4
        ? new AgencyAccounts { Ga4Properties = counts[0], MetaAdAccounts = counts[1], MailchimpAccounts = counts[2], HubSpotAccounts = counts[3] }
        : throw new ArgumentException("--agency takes four counts: ga4,meta,mailchimp,hubspot");
}
