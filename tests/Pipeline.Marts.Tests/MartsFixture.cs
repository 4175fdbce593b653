using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using DuckDB.NET.Data;
using Pipeline.Connectors.Mailchimp;
using Pipeline.Sandbox;
using Pipeline.Sandbox.World;

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
        await SandboxWarehouse.SyncAsync(sandbox, SandboxSources.For(sandbox, WorldDays, filesFolder: filesFolder), WarehousePath, "marts-tests");

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
            .Select(d => (Day: ReferenceKpis.LocalDate(d.CloseDate!.Value), Channel: AttributionReference.DealChannel(d)))
            .Where(x => x.Day >= World.StartDate && x.Day <= World.EndDate && fileChannel.ContainsKey(x.Channel) && !busy.Contains(x))
            // Paid Search has Google Ads cost through GA4 on most days: a file cost netting to 0 leaves that cost standing.
            .Where(x => x.Channel != "Paid Search" || truth.GoogleAdsCost(x.Day) == 0)
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
}
