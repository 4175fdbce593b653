using System.Diagnostics;
using System.Text.Json;
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
using Pipeline.Warehouse.DuckDb;

namespace Pipeline.Benchmarks;

/// <summary>What the many-accounts child syncs: every client account of an agency sandbox, on one day.</summary>
internal sealed record ManyAccountsSpec
{
    public required string Warehouse { get; init; }

    public DateOnly Today { get; init; }

    public int FirstRunDays { get; init; }

    public int MaxConcurrentAccounts { get; init; }

    public string Ga4Base { get; init; } = "";

    public string TokenUrl { get; init; } = "";

    public string Ga4KeyJson { get; init; } = "";

    public IReadOnlyList<string> Ga4Properties { get; init; } = [];

    public string MetaBase { get; init; } = "";

    public string MetaToken { get; init; } = "";

    public IReadOnlyList<string> MetaAccounts { get; init; } = [];

    public string MailchimpBase { get; init; } = "";

    public IReadOnlyList<string> MailchimpKeys { get; init; } = [];

    public string HubSpotBase { get; init; } = "";

    public IReadOnlyList<string> HubSpotTokens { get; init; } = [];
}

/// <summary>What the child measured: the whole sync's time and peak, and the API calls of each account by source.</summary>
internal sealed record ManyAccountsResult
{
    public double Seconds { get; init; }

    public double PeakWorkingSetMb { get; init; }

    public double PeakManagedMb { get; init; }

    public double PeakDuckDbMb { get; init; }

    /// <summary>Peak of DuckDB's buffers holding rows committed since the last checkpoint (see <see cref="MemorySampler.PeakUncheckpointedMb"/>).</summary>
    public double PeakUncheckpointedMb { get; init; }

    /// <summary>Peak of what DuckDB spilled to its temp file.</summary>
    public double PeakSpilledMb { get; init; }

    /// <summary>Seconds the single writer was held (window loads, run log): the part of the run accounts cannot overlap.</summary>
    public double WriterBusySeconds { get; init; }

    /// <summary>CPU seconds the pipeline process spent in the sync (all threads).</summary>
    public double CpuSeconds { get; init; }

    /// <summary>CPU seconds the sandbox (the parent process) spent while the child ran; set by the parent.</summary>
    public double SandboxCpuSeconds { get; init; }

    public long Rows { get; init; }

    public int Windows { get; init; }

    /// <summary>Per source, the API calls each account made (one entry per account).</summary>
    public Dictionary<string, List<long>> ApiCallsPerAccount { get; init; } = [];

    public string? Error { get; init; }
}

/// <summary>
/// The pipeline side of the many-accounts case, in its own process: every source's accounts synced
/// <see cref="ManyAccountsSpec.MaxConcurrentAccounts"/> at a time through <see cref="AccountFanOut"/> and a
/// <see cref="SingleWriterWarehouse"/>, as <c>pipeline sync</c> does with <c>Sync:MaxConcurrentAccounts</c>.
/// </summary>
internal static class ManyAccountsChild
{
    public static async Task<int> MainAsync(string specFile, string resultFile)
    {
        ManyAccountsResult result;
        try
        {
            result = await RunAsync(JsonSerializer.Deserialize<ManyAccountsSpec>(await File.ReadAllTextAsync(specFile))!);
        }
        catch (Exception ex)
        {
            result = new ManyAccountsResult { Error = ex.GetType().Name + ": " + ex.Message, PeakWorkingSetMb = Child.PeakWorkingSetMb() };
        }

        await File.WriteAllTextAsync(resultFile, JsonSerializer.Serialize(result));
        return result.Error is null ? 0 : 1;
    }

    private static SourcesOptions Sources(ManyAccountsSpec spec) => new()
    {
        Ga4 = new Ga4Options
        {
            BaseUrl = new Uri(spec.Ga4Base),
            TokenUrl = new Uri(spec.TokenUrl),
            Properties = [.. spec.Ga4Properties.Select(p => new Ga4PropertyOptions { PropertyId = p, ServiceAccountKeyJson = spec.Ga4KeyJson, FirstRunDays = spec.FirstRunDays })],
        },
        Meta = new MetaOptions
        {
            BaseUrl = new Uri(spec.MetaBase),
            AccessToken = spec.MetaToken,
            AdAccountIds = [.. spec.MetaAccounts],
            FirstRunDays = spec.FirstRunDays,
            AsyncPollInterval = TimeSpan.FromMilliseconds(50),
        },
        Mailchimp = new MailchimpOptions { BaseUrl = new Uri(spec.MailchimpBase), Accounts = [.. spec.MailchimpKeys.Select(k => new MailchimpAccountOptions { ApiKey = k })] },
        HubSpot = new HubSpotOptions { BaseUrl = new Uri(spec.HubSpotBase), Accounts = [.. spec.HubSpotTokens.Select(t => new HubSpotAccountOptions { AccessToken = t })] },
    };

    private static async Task<ManyAccountsResult> RunAsync(ManyAccountsSpec spec)
    {
        var clock = new FixedDayClock(spec.Today);
        var services = new ServiceCollection().AddSingleton<TimeProvider>(clock).AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
            .AddSingleton(typeof(ILogger<>), typeof(Logger<>))
            .AddConfiguredSources(Sources(spec));
        await using var provider = services.BuildServiceProvider();
        var catalog = new SourceCatalog(provider.GetServices<ISource>());
        var runId = "bench-" + Guid.NewGuid().ToString("N")[..8];
        var errors = new List<string>();
        long rows = 0;
        var windows = 0;
        var watch = new Stopwatch();
        MemorySampler sampler;
        double cpu;
        double writerBusy;
        await using (var warehouse = DuckDbWarehouse.Open(new DuckDbWarehouseOptions { Path = spec.Warehouse, Reporting = Child.Reporting, MemoryLimit = new DuckDbSettings().MemoryLimit, QueryMemoryLimit = new DuckDbSettings().QueryMemoryLimit }, NullLogger<DuckDbWarehouse>.Instance))
        {
            await warehouse.MigrateAsync(catalog.Streams);
            sampler = new MemorySampler(Path.GetFullPath(spec.Warehouse));
            watch.Start();
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            await using var writes = new SingleWriterWarehouse(warehouse);
            var runner = new SyncRunner(writes, clock, NullLogger<SyncRunner>.Instance);
            foreach (var source in catalog.Sources)
            {
                var connections = await source.ConnectAsync(CancellationToken.None);
                var summaries = await AccountFanOut.RunAsync(connections, spec.MaxConcurrentAccounts, async (connection, ct) =>
                {
                    await using (connection)
                    {
                        return await runner.SyncAsync(connection, new SyncRequest(runId), ct);
                    }
                }, CancellationToken.None);
                foreach (var summary in summaries)
                {
                    rows += summary.RowsWritten;
                    windows += summary.Windows.Count;
                    errors.AddRange(summary.Windows.Where(w => w.Error is not null).Select(w => $"{summary.Source} {summary.AccountId} {w.Stream} {w.Window}: {w.Error}"));
                }
            }

            watch.Stop();
            cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
            writerBusy = writes.WriterBusy.TotalSeconds;
        }

        var peak = Child.PeakWorkingSetMb();
        await sampler.DisposeAsync();
        var calls = new Dictionary<string, List<long>>(StringComparer.Ordinal);
        await using (var connection = new DuckDBConnection($"Data Source={spec.Warehouse}"))
        {
            await connection.OpenAsync();
            foreach (var (source, count) in await connection.QueryAsync<(string, long)>(
                "SELECT source, sum(api_calls)::BIGINT FROM etl.sync_runs WHERE run_id = $run GROUP BY source, account_id ORDER BY 1, 2", new { run = runId }))
            {
                (calls.TryGetValue(source, out var list) ? list : calls[source] = []).Add(count);
            }
        }

        return new ManyAccountsResult
        {
            Seconds = watch.Elapsed.TotalSeconds, PeakWorkingSetMb = peak, PeakManagedMb = sampler.PeakManagedMb, PeakDuckDbMb = sampler.PeakDuckDbMb, PeakUncheckpointedMb = sampler.PeakUncheckpointedMb, PeakSpilledMb = sampler.PeakSpilledMb, CpuSeconds = cpu, WriterBusySeconds = writerBusy, Rows = rows, Windows = windows,
            ApiCallsPerAccount = calls, Error = errors.Count == 0 ? null : $"{errors.Count} window(s) failed; first: {errors[0]}",
        };
    }
}
