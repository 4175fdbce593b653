using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using DuckDB.NET.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Connectors.Files;
using Pipeline.Connectors.Ga4;
using Pipeline.Connectors.HubSpot;
using Pipeline.Connectors.Mailchimp;
using Pipeline.Connectors.Meta;
using Pipeline.Connectors.Streams;
using Pipeline.Etl;
using Pipeline.Etl.Configuration;
using Pipeline.Etl.Sync;
using Pipeline.Sandbox;
using Pipeline.Sandbox.World;
using Pipeline.Warehouse;
using Pipeline.Warehouse.DuckDb;

namespace Pipeline.Marts.Tests;

/// <summary>
/// Once for every test here: a sandbox world ending today, the test's own CSV files, a full sync of every source
/// into a fresh DuckDB warehouse (reporting in EUR, Europe/Berlin), the reference KPIs computed from the world's
/// facts, and mart.kpi_values read into memory.
/// </summary>
[SetUpFixture]
public sealed class MartsFixture
{
    public const int WorldDays = 75;

    private static string folder = "";

    public static WorldOptions World { get; private set; } = WorldOptions.Demo;

    public static SandboxWorld SandboxWorld { get; private set; } = null!;

    public static TestFiles Files { get; private set; } = null!;

    public static ReferenceKpis Reference { get; private set; } = null!;

    /// <summary>Every row of mart.kpi_values, by key.</summary>
    public static IReadOnlyDictionary<KpiKey, KpiRow> Mart { get; private set; } = null!;

    public static DuckDBConnection Connection { get; private set; } = null!;

    public static string WarehousePath => Path.Combine(folder, "warehouse.duckdb");

    [OneTimeSetUp]
    public async Task SetUpAsync()
    {
        var watch = Stopwatch.StartNew();
        folder = Path.Combine(Path.GetTempPath(), "pipeline-marts-tests", Guid.NewGuid().ToString("N"));
        var filesFolder = Path.Combine(folder, "files");
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        World = WorldOptions.Demo with { StartDate = today.AddDays(-(WorldDays - 1)), Days = WorldDays };
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { World = World });
        SandboxWorld = sandbox.World;
        Files = TestFiles.Create(World.StartDate, World.EndDate, ZeroCostDay(sandbox.World.Truth));
        Files.WriteTo(filesFolder);
        var credentials = sandbox.Credentials;
        var sources = new SourcesOptions
        {
            Ga4 = new Ga4Options
            {
                BaseUrl = sandbox.Ga4BaseAddress,
                TokenUrl = sandbox.GoogleTokenUri,
                Properties = [new Ga4PropertyOptions { PropertyId = credentials.Ga4PropertyId, ServiceAccountKeyJson = credentials.GoogleServiceAccountKeyJson, FirstRunDays = WorldDays }],
            },
            Meta = new MetaOptions
            {
                BaseUrl = sandbox.MetaBaseAddress,
                AccessToken = credentials.MetaAccessToken,
                AdAccountIds = [.. credentials.MetaAdAccountIds],
                FirstRunDays = WorldDays,
                AsyncPollInterval = TimeSpan.FromMilliseconds(50),
            },
            Mailchimp = new MailchimpOptions { BaseUrl = sandbox.MailchimpBaseAddress, Accounts = [new MailchimpAccountOptions { ApiKey = credentials.MailchimpApiKey }] },
            HubSpot = new HubSpotOptions { BaseUrl = sandbox.HubSpotBaseAddress, Accounts = [new HubSpotAccountOptions { AccessToken = credentials.HubSpotAccessToken }] },
            Files = new FilesOptions { Folder = filesFolder },
        };

        await using (var provider = new ServiceCollection().AddSingleton(TimeProvider.System).AddLogging().AddConfiguredSources(sources).BuildServiceProvider())
        {
            var catalog = new SourceCatalog(provider.GetServices<ISource>());
            var reporting = new ReportingSettings { Currency = "EUR", TimeZone = "Europe/Berlin" };
            await using var warehouse = DuckDbWarehouse.Open(new DuckDbWarehouseOptions { Path = WarehousePath, Reporting = reporting });
            await warehouse.MigrateAsync(catalog.Streams);

            // Windows are planned from the world's "now" (its last evening), so every account's today is the world's last day.
            var runner = new SyncRunner(warehouse, new FixedClock(sandbox.World.AsOf), NullLogger<SyncRunner>.Instance);
            var failed = new List<string>();
            foreach (var source in catalog.Sources)
            {
                foreach (var connection in await source.ConnectAsync(CancellationToken.None))
                {
                    await using (connection)
                    {
                        var summary = await runner.SyncAsync(connection, new SyncRequest("marts-tests"));
                        failed.AddRange(summary.Windows.Where(w => w.Status != SyncRunStatus.Succeeded).Select(w => $"{summary.Source}.{w.Stream} {w.Window}: {w.Error}"));
                    }
                }
            }

            Assert.That(failed, Is.Empty, "every sandbox window syncs");
            await warehouse.MigrateAsync(catalog.Streams);
        }

        // The activity endpoint's history the Mailchimp connector loads on its first run.
        var firstListActivityDay = World.EndDate.AddDays(-(MailchimpOptions.ActivityHistoryDays - 1));
        Reference = new ReferenceKpis(sandbox.World.Truth, World, Files, firstListActivityDay, sandbox.World);

        Connection = new DuckDBConnection($"Data Source={WarehousePath}");
        await Connection.OpenAsync();
        var mart = new Dictionary<KpiKey, KpiRow>();
        foreach (var r in Query("SELECT kpi_id, grain, period_start, segment_type, segment, numerator, denominator, value FROM mart.kpi_values"))
        {
            var key = new KpiKey((string)r[0]!, (string)r[1]!, Date(r[2]), (string)r[3]!, (string)r[4]!);
            Assert.That(mart.TryAdd(key, new KpiRow(Dec(r[5]), Dec(r[6]), Dbl(r[7]))), Is.True, $"mart.kpi_values has one row per key; {key} twice");
        }

        Mart = mart;
        TestContext.Progress.WriteLine($"marts fixture: {WorldDays}-day world ending {World.EndDate:yyyy-MM-dd}, {mart.Count} kpi_values rows, {Reference.Rows.Count} reference rows, {watch.Elapsed.TotalSeconds:0.0} s");
    }

    [OneTimeTearDown]
    public async Task TearDownAsync()
    {
        if (Connection is not null)
        {
            await Connection.DisposeAsync();
        }

        // PIPELINE_MARTS_KEEP=1 keeps the warehouse and files for a look after a failure.
        if (Environment.GetEnvironmentVariable("PIPELINE_MARTS_KEEP") == "1")
        {
            TestContext.Progress.WriteLine("marts fixture: kept " + folder);
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

    /// <summary>
    /// A day inside the world on which a deal was won in a channel the cost file can book to and has no other cost
    /// that day: a cost and its refund there make ROI's denominator exactly 0 next to real revenue.
    /// </summary>
    private static (DateOnly Day, string Channel)? ZeroCostDay(GroundTruth truth)
    {
        var fileChannel = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Offline"] = "print", ["Organic Social"] = "influencer", ["Email"] = "email", ["Paid Search"] = "google_ads",
        };
        var busy = TestFiles.Create(World.StartDate, World.EndDate).Costs
            .Select(c => (c.Date, ReferenceKpis.FileChannels.GetValueOrDefault(c.Channel) ?? "Unassigned")).ToHashSet();
        return truth.HubSpotDealFacts()
            .Where(d => !d.Archived && d.IsWon && d.CloseDate is not null)
            .Select(d => (Day: ReferenceKpis.LocalDate(d.CloseDate!.Value), Channel: ReferenceKpis.HubSpotChannel(d.OriginalSource)))
            .Where(x => x.Day >= World.StartDate && x.Day <= World.EndDate && fileChannel.ContainsKey(x.Channel) && !busy.Contains(x))
            .OrderBy(x => x.Day).ThenBy(x => x.Channel, StringComparer.Ordinal)
            .Select(x => ((DateOnly, string)?)(x.Day, fileChannel[x.Channel]))
            .FirstOrDefault();
    }

    /// <summary>Runs a query on the test warehouse; every row as an array of values (DBNull → null).</summary>
    public static List<object?[]> Query(string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(new DuckDBParameter(name, value));
        }

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

    public static decimal? Dec(object? value) => value switch
    {
        null => null,
        decimal d => d,
        BigInteger b => (decimal)b,
        double d => (decimal)d,
        _ => Convert.ToDecimal(value, CultureInfo.InvariantCulture),
    };

    public static double? Dbl(object? value) => value is null ? null : Convert.ToDouble(value, CultureInfo.InvariantCulture);

    public static DateOnly Date(object? value) => value switch
    {
        DateOnly d => d,
        DateTime t => DateOnly.FromDateTime(t),
        _ => throw new InvalidCastException($"not a date: {value}"),
    };

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
