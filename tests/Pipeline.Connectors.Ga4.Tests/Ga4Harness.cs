using Pipeline.Connectors.Conformance;
using Pipeline.Sandbox;
using Pipeline.Sandbox.Faults;
using Pipeline.Sandbox.World;

namespace Pipeline.Connectors.Ga4.Tests;

/// <summary>The shared harness (sandbox, warehouse, clock) with the GA4 source registered the way the CLI does it.</summary>
internal static class Ga4Harness
{
    public static Task<ConformanceHarness> StartAsync(
        WorldOptions? world = null, Action<Ga4Options, SandboxServer>? configure = null, FaultOptions? faults = null, Func<SandboxOptions, SandboxOptions>? sandbox = null) =>
        ConformanceHarness.StartAsync(
            (sandbox ?? (o => o))(new SandboxOptions { World = world ?? WorldOptions.Demo with { Days = 30 }, Faults = faults ?? FaultOptions.None }),
            (services, sandbox) =>
            {
                var options = Options(sandbox);
                configure?.Invoke(options, sandbox);
                services.AddGa4Source(options);
            },
            // Noon in the property's zone on the world's last day: "today" for the sync is the world's end.
            w => new DateTimeOffset(w.Today.ToDateTime(new TimeOnly(12, 0)), TimeSpan.FromHours(1)));

    public static Ga4Options Options(SandboxServer sandbox) => new()
    {
        BaseUrl = sandbox.Ga4BaseAddress,
        TokenUrl = sandbox.GoogleTokenUri,
        QuotaRetryWait = TimeSpan.FromMilliseconds(200),
        Properties =
        [
            new Ga4PropertyOptions
            {
                PropertyId = sandbox.Credentials.Ga4PropertyId,
                ServiceAccountKeyJson = sandbox.Credentials.GoogleServiceAccountKeyJson,
                FirstRunDays = sandbox.World.Options.Days,
                ChunkDays = 10,
                PageSize = 500,
            },
        ],
    };
}
