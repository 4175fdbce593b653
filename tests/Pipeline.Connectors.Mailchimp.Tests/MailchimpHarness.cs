using Microsoft.Extensions.DependencyInjection;
using Pipeline.Connectors.Conformance;
using Pipeline.Connectors.Http;
using Pipeline.Etl.Sync;
using Pipeline.Sandbox;
using Pipeline.Sandbox.Faults;
using Pipeline.Sandbox.World;

namespace Pipeline.Connectors.Mailchimp.Tests;

/// <summary>The shared harness (sandbox, warehouse, clock) with the Mailchimp source wired the way the CLI wires it.</summary>
internal static class MailchimpHarness
{
    public static MailchimpOptions DefaultOptions(SandboxServer sandbox) => new()
    {
        BaseUrl = sandbox.MailchimpBaseAddress,
        PageSize = 100,
        RetryBaseDelay = TimeSpan.FromMilliseconds(20),
        Accounts = [new MailchimpAccountOptions { ApiKey = sandbox.Credentials.MailchimpApiKey }],
    };

    /// <param name="services">Runs after the source is registered (handlers added here sit next to the wire).</param>
    /// <param name="counters">The source's call counters, to read after the run (<see cref="Counter"/>).</param>
    public static Task<ConformanceHarness> StartAsync(
        WorldOptions? world = null,
        Action<MailchimpOptions, SandboxServer>? configure = null,
        FaultOptions? faults = null,
        Action<IServiceCollection, MailchimpOptions>? services = null,
        ApiCallCounters? counters = null) =>
        ConformanceHarness.StartAsync(
            new SandboxOptions { World = world ?? WorldOptions.Demo with { Days = 30 }, Faults = faults ?? FaultOptions.None },
            (collection, sandbox) =>
            {
                var options = DefaultOptions(sandbox);
                configure?.Invoke(options, sandbox);
                collection.AddMailchimpSource(options);
                services?.Invoke(collection, options);
            },
            configure: counters is null ? null : collection => collection.AddSingleton(counters));

    /// <summary>The counter of one account's HTTP client.</summary>
    public static ApiCallCounter Counter(ApiCallCounters counters, MailchimpAccountOptions account) =>
        counters.For(MailchimpSource.ClientName(account));
}

internal static class SummaryAssertions
{
    public static string Errors(this IEnumerable<SyncSummary> summaries) =>
        string.Join("; ", summaries.SelectMany(s => s.Windows).Where(w => w.Status != Warehouse.SyncRunStatus.Succeeded).Select(w => $"{w.Stream} {w.Window}: {w.Error}"));
}
