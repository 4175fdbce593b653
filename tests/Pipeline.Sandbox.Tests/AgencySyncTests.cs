using Dapper;
using DuckDB.NET.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Connectors.Ga4;
using Pipeline.Connectors.HubSpot;
using Pipeline.Connectors.Mailchimp;
using Pipeline.Connectors.Meta;
using Pipeline.Connectors.Streams;
using Pipeline.Etl;
using Pipeline.Etl.Configuration;
using Pipeline.Etl.Sync;
using Pipeline.Sandbox.World;
using Pipeline.Warehouse.DuckDb;

namespace Pipeline.Sandbox.Tests;

/// <summary>
/// Accounts synced side by side (as <c>Sync:MaxConcurrentAccounts</c> runs them) against an agency sandbox whose
/// limits count what they see: every account stays within its own limit. HubSpot and Mailchimp limits are set low
/// here (and told to the connectors) so that they bind: without a per-account limiter the counters go over.
/// </summary>
public sealed class AgencySyncTests
{
    private const int HubSpotPerTenSeconds = 8, MailchimpConnections = 2;
    private static readonly WorldOptions World = WorldOptions.Demo with { StartDate = new DateOnly(2026, 1, 1), Days = 20 };
    private string folder = "";

    [SetUp]
    public void CreateFolder()
    {
        folder = Path.Combine(Path.GetTempPath(), "pipeline-agency-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
    }

    [TearDown]
    public void DeleteFolder() => Directory.Delete(folder, recursive: true);

    [Test]
    public async Task Four_accounts_of_each_platform_eight_at_a_time_stay_within_every_per_account_limit()
    {
        await using var server = await SandboxServer.StartAsync(new SandboxOptions
        {
            World = World,
            Agency = AgencyAccounts.Each(4),
            MetaEnforcesUsage = true,
            HubSpotRequestsPerTenSeconds = HubSpotPerTenSeconds,
            MailchimpMaxConcurrentRequests = MailchimpConnections,
        });
        var clock = new FixedClock(new DateTimeOffset(World.EndDate.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero));
        await using var provider = new ServiceCollection().AddSingleton<TimeProvider>(clock).AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
            .AddSingleton(typeof(ILogger<>), typeof(Logger<>)).AddConfiguredSources(Sources(server)).BuildServiceProvider();
        var catalog = new SourceCatalog(provider.GetServices<ISource>());
        var path = Path.Combine(folder, "agency.duckdb");
        var summaries = new List<SyncSummary>();
        await using (var warehouse = DuckDbWarehouse.Open(new DuckDbWarehouseOptions { Path = path }))
        {
            await warehouse.MigrateAsync(catalog.Streams);
            await using var writes = new SingleWriterWarehouse(warehouse);
            var runner = new SyncRunner(writes, clock, NullLogger<SyncRunner>.Instance);
            foreach (var source in catalog.Sources)
            {
                var connections = await source.ConnectAsync(CancellationToken.None);
                summaries.AddRange(await AccountFanOut.RunAsync(connections, 8, async (connection, ct) =>
                {
                    await using (connection)
                    {
                        return await runner.SyncAsync(connection, new SyncRequest("agency"), ct);
                    }
                }, CancellationToken.None));
            }
        }

        await using var db = new DuckDBConnection($"Data Source={path}");
        await db.OpenAsync();
        var accountsWithRows = await db.QueryAsync<string>("SELECT DISTINCT source || ':' || account_id FROM etl.sync_runs WHERE run_id = 'agency' AND status = 'Succeeded' AND rows_written > 0");
        var clients = server.QuotaStats().Skip(4).ToList(); // the agency's own four accounts come first, unread
        Assert.Multiple(() =>
        {
            Assert.That(summaries, Has.Count.EqualTo(16));
            Assert.That(summaries.SelectMany(s => s.Windows.Where(w => w.Error is not null).Select(w => $"{s.Source} {s.AccountId} {w.Stream}: {w.Error}")), Is.Empty);
            Assert.That(accountsWithRows.Count(), Is.EqualTo(16), "every account loaded rows");
            Assert.That(clients, Has.Count.EqualTo(16));
            Assert.That(clients.Where(s => !s.Honoured), Is.Empty, "no account over its own limit, none refused");
            Assert.That(clients.Where(s => s.Platform is "ga4" or "hubspot" or "mailchimp").Select(s => s.Peak), Is.All.GreaterThan(0), "the counters saw the requests");
        });
    }

    private static SourcesOptions Sources(SandboxServer server)
    {
        var c = server.Credentials;
        return new SourcesOptions
        {
            Ga4 = new Ga4Options
            {
                BaseUrl = server.Ga4BaseAddress,
                TokenUrl = server.GoogleTokenUri,
                Properties = [.. c.Clients.Select(x => new Ga4PropertyOptions { PropertyId = x.Ga4PropertyId!, ServiceAccountKeyJson = c.GoogleServiceAccountKeyJson, FirstRunDays = 3 })],
            },
            Meta = new MetaOptions
            {
                BaseUrl = server.MetaBaseAddress,
                AccessToken = c.MetaAccessToken,
                AdAccountIds = [.. c.Clients.Select(x => x.MetaAdAccountId!)],
                FirstRunDays = 3,
                AsyncPollInterval = TimeSpan.FromMilliseconds(20),
            },
            Mailchimp = new MailchimpOptions
            {
                BaseUrl = server.MailchimpBaseAddress,
                Accounts = [.. c.Clients.Select(x => new MailchimpAccountOptions { ApiKey = x.MailchimpApiKey, MaxConcurrentRequests = MailchimpConnections })],
            },
            HubSpot = new HubSpotOptions
            {
                BaseUrl = server.HubSpotBaseAddress,
                Accounts = [.. c.Clients.Select(x => new HubSpotAccountOptions { AccessToken = x.HubSpotAccessToken, RequestsPerTenSeconds = HubSpotPerTenSeconds })],
            },
        };
    }

    private sealed class FixedClock(DateTimeOffset start) : TimeProvider
    {
        private readonly long origin = System.GetTimestamp();

        public override DateTimeOffset GetUtcNow() => start + System.GetElapsedTime(origin);
    }
}
