using System.Diagnostics;
using DuckDB.NET.Data;
using Pipeline.Marts.Tests;
using Pipeline.Sandbox;
using Pipeline.Sandbox.World;

// Its own namespace: the marts fixture (namespace Pipeline.Marts.Tests) is not needed here and is not run for it.
namespace Pipeline.Marts.AnomalyRecall;

/// <summary>
/// The world the anomaly view is measured on: 150 pinned days (2026-03-02 … 2026-07-29, seed 42) of the sandbox
/// business with 5,000 contacts (about 15 leads a day, so a day without leads is news) and 1,000 deals, and
/// <see cref="Injected"/> = 20 known anomalies (<see cref="InjectedAnomaly.Spread"/> with seed 19) between day 35
/// and 30 days before the end (clear of the first window and of Meta's 28 provisional days). The world's own events
/// are switched off, so every flag is either injected or false: no GA4 tracking outage, no paused Meta account, and
/// one Meta campaign running all the time (a campaign launch lifts impressions and CPM for good: a real change,
/// flagged on its first days, which is neither an injected anomaly nor noise). One Meta ad account (EUR): the US
/// account's dollars would need an FX rates file, without which money KPIs are not covered at all.
/// Synced from the sandbox into a fresh DuckDB warehouse (GA4, Meta, Mailchimp, HubSpot).
/// </summary>
public sealed class AnomalyWorld : IAsyncDisposable
{
    public const int Seed = 42, InjectionSeed = 19, Days = 150, InjectionCount = 20;

    public static readonly DateOnly Start = new(2026, 3, 2);

    /// <summary>The series injected, each with its factor; 4 anomalies each in the spread.</summary>
    public static readonly IReadOnlyList<(string Series, double Factor)> Factors =
    [
        (InjectedAnomaly.Ga4Sessions, 3),
        (InjectedAnomaly.MetaSpend, 4),
        (InjectedAnomaly.CrmLeads, 0),
        (InjectedAnomaly.Ga4KeyEvents, 3),
        (InjectedAnomaly.CrmLeads, 4),
    ];

    /// <summary>
    /// The KPIs and segments each injected series must move on its day. Meta spend is a small part of all ad spend next
    /// to Google Ads', whose daily cost swings more than ×4 of Meta's: its anomaly shows in Paid Social. Paid Social CPC is
    /// judged only on days with AnomalyMinDenominator clicks (the recall test skips the days below it).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, (string Kpi, string SegmentType, string Segment)[]> ExpectedKpis =
        new Dictionary<string, (string, string, string)[]>(StringComparer.Ordinal)
        {
            [InjectedAnomaly.Ga4Sessions] = [("sessions", "all", "All")],
            [InjectedAnomaly.Ga4KeyEvents] = [("web_conversion_rate", "all", "All")],
            [InjectedAnomaly.MetaSpend] = [("cpm", "channel", "Paid Social"), ("cpc", "channel", "Paid Social")],
            [InjectedAnomaly.CrmLeads] = [("leads", "all", "All")],
        };

    private readonly string folder;

    private AnomalyWorld(string folder, WorldOptions options, DuckDBConnection connection, TimeSpan elapsed)
    {
        this.folder = folder;
        Options = options;
        Connection = connection;
        Elapsed = elapsed;
    }

    public static IReadOnlyList<InjectedAnomaly> Injected { get; } =
        InjectedAnomaly.Spread(InjectionSeed, InjectionCount, Start.AddDays(35), Start.AddDays(Days - 31), Factors, minGapDays: 3);

    public WorldOptions Options { get; }

    public DuckDBConnection Connection { get; }

    public TimeSpan Elapsed { get; }

    public static WorldOptions WorldOptionsFor(IReadOnlyList<InjectedAnomaly> injected) => WorldOptions.Demo with
    {
        Seed = Seed,
        StartDate = Start,
        Days = Days,
        Contacts = 5000,
        Deals = 1000,
        Ga4TrackingOutageDay = null,
        MetaPausedDays = 0,
        MetaAdAccounts = 1,
        MetaCampaignsPerAccount = 1,
        MetaAdSetsPerCampaign = 4,
        MetaAdsPerAdSet = 3,
        InjectedAnomalies = injected,
    };

    public static async Task<AnomalyWorld> BuildAsync()
    {
        var watch = Stopwatch.StartNew();
        var folder = Path.Combine(Path.GetTempPath(), "pipeline-anomaly-recall", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "warehouse.duckdb");
        var options = WorldOptionsFor(Injected);
        await using (var sandbox = await SandboxServer.StartAsync(new SandboxOptions { World = options }))
        {
            await SandboxWarehouse.SyncAsync(sandbox, SandboxSources.For(sandbox, Days), path, "anomaly-recall");
        }

        var db = new DuckDBConnection($"Data Source={path}");
        await db.OpenAsync();
        return new AnomalyWorld(folder, options, db, watch.Elapsed);
    }

    /// <summary>Runs a query; every row as an array of values (DBNull → null).</summary>
    public List<object?[]> Query(string sql)
    {
        using var command = Connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    public void Execute(string sql)
    {
        using var command = Connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync();
        // PIPELINE_MARTS_KEEP=1 keeps the warehouse for a look after a failure.
        if (Environment.GetEnvironmentVariable("PIPELINE_MARTS_KEEP") == "1")
        {
            await TestContext.Progress.WriteLineAsync("anomaly world: kept " + folder);
            return;
        }

        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // left for the OS temp cleaner
        }
    }
}
