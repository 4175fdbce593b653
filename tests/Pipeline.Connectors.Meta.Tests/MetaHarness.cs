using System.Collections.Concurrent;
using System.Net;
using Dapper;
using DuckDB.NET.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Connectors.Streams;
using Pipeline.Etl.Sync;
using Pipeline.Sandbox;
using Pipeline.Sandbox.World;
using Pipeline.Warehouse.DuckDb;

namespace Pipeline.Connectors.Meta.Tests;

/// <summary>A sandbox, a fresh DuckDB warehouse, and the Meta source wired the way the CLI wires it, plus a wire recorder.</summary>
internal sealed class MetaHarness : IAsyncDisposable
{
    private readonly string folder;
    private readonly ServiceProvider services;

    private MetaHarness(SandboxServer sandbox, DuckDbWarehouse warehouse, string folder, ServiceProvider services, MetaSource source, ManualClock clock, WireLog wire)
    {
        Sandbox = sandbox;
        Warehouse = warehouse;
        this.folder = folder;
        this.services = services;
        Source = source;
        Clock = clock;
        Wire = wire;
    }

    public SandboxServer Sandbox { get; }

    public DuckDbWarehouse Warehouse { get; }

    public MetaSource Source { get; }

    public ManualClock Clock { get; }

    /// <summary>Every attempt the connector put on the wire, with its answer.</summary>
    public WireLog Wire { get; }

    public SandboxWorld World => Sandbox.World;

    public string DbPath => Path.Combine(folder, "wh.duckdb");

    public static async Task<MetaHarness> StartAsync(
        WorldOptions? world = null,
        Action<MetaOptions, SandboxServer>? configure = null,
        SandboxOptions? sandboxOptions = null,
        Func<HttpRequestMessage, HttpResponseMessage?>? intercept = null,
        Func<HttpRequestMessage, string, string>? rewriteBody = null)
    {
        var sandbox = await SandboxServer.StartAsync((sandboxOptions ?? new SandboxOptions()) with { World = world ?? WorldOptions.Demo with { Days = 30 } });
        var options = new MetaOptions
        {
            BaseUrl = sandbox.MetaBaseAddress,
            AccessToken = sandbox.Credentials.MetaAccessToken,
            AdAccountIds = [.. sandbox.Credentials.MetaAdAccountIds],
            FirstRunDays = sandbox.World.Options.Days,
            ChunkDays = 30,
            AsyncPollInterval = TimeSpan.FromMilliseconds(5),
            RetryBaseDelay = TimeSpan.FromMilliseconds(20),
            MaxThrottleWait = TimeSpan.FromMinutes(1),
        };
        configure?.Invoke(options, sandbox);
        Assert.That(options.Validate(), Is.Empty, "the harness configuration is valid");

        // Noon in Berlin on the world's last day: "today" for both accounts (Berlin and New York) is the world's end.
        var clock = new ManualClock(new DateTimeOffset(sandbox.World.Today.ToDateTime(new TimeOnly(12, 0)), TimeSpan.FromHours(1)));
        var wire = new WireLog();
        var collection = new ServiceCollection();
        collection.AddSingleton<TimeProvider>(clock);
        collection.AddMetaSource(options);
        foreach (var id in options.AccountIds)
        {
            // Appended after the connector's handlers, so it sits next to the wire and sees every attempt.
            collection.AddHttpClient(MetaSource.ClientName(id)).AddHttpMessageHandler(() => new WireHandler(wire, intercept, rewriteBody));
        }

        var provider = collection.BuildServiceProvider();
        var source = (MetaSource)provider.GetRequiredService<ISource>();

        var folder = Path.Combine(Path.GetTempPath(), "pipeline-meta-tests", Guid.NewGuid().ToString("N"));
        var warehouse = DuckDbWarehouse.Open(new DuckDbWarehouseOptions { Path = Path.Combine(folder, "wh.duckdb") });
        await warehouse.MigrateAsync(source.Streams);
        return new MetaHarness(sandbox, warehouse, folder, provider, source, clock, wire);
    }

    /// <summary>Connects every configured ad account and syncs each with the real runner.</summary>
    public async Task<IReadOnlyList<SyncSummary>> SyncAsync(string runId, SyncRequest? request = null, Action? afterConnect = null)
    {
        var connections = await Source.ConnectAsync();
        afterConnect?.Invoke();
        var summaries = new List<SyncSummary>();
        foreach (var connection in connections)
        {
            await using (connection)
            {
                summaries.Add(await new SyncRunner(Warehouse, Clock, NullLogger<SyncRunner>.Instance).SyncAsync(connection, request ?? new SyncRequest(runId)));
            }
        }

        return summaries;
    }

    public async Task<List<T>> QueryAsync<T>(string sql)
    {
        await using var c = new DuckDBConnection($"Data Source={DbPath}");
        await c.OpenAsync();
        return (await c.QueryAsync<T>(sql)).ToList();
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var c = new DuckDBConnection($"Data Source={DbPath}");
        await c.OpenAsync();
        return (await c.ExecuteScalarAsync<T>(sql))!;
    }

    public async ValueTask DisposeAsync()
    {
        await Warehouse.DisposeAsync();
        await services.DisposeAsync();
        await Sandbox.DisposeAsync();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // temp folder; the OS cleans it
        }
    }

    public static string Errors(IEnumerable<SyncSummary> summaries) =>
        string.Join("; ", summaries.SelectMany(s => s.Windows).Where(w => w.Error is not null).Select(w => $"{w.Stream} {w.Window}: {w.Error}"));
}

/// <summary>One attempt on the wire: method, path (no query), decoded query and form parameters, status.</summary>
internal sealed record WireEntry(string Method, string Path, IReadOnlyDictionary<string, string> Parameters, int Status)
{
    public bool IsInsightsGet => Method == "GET" && Path.EndsWith("/insights", StringComparison.Ordinal) && Path.Contains("/act_", StringComparison.Ordinal);

    public bool IsReportRunSubmit => Method == "POST" && Path.EndsWith("/insights", StringComparison.Ordinal);

    /// <summary>Days of the requested time_range (0 when none).</summary>
    public int RangeDays
    {
        get
        {
            if (!Parameters.TryGetValue("time_range", out var range))
            {
                return 0;
            }

            using var doc = System.Text.Json.JsonDocument.Parse(range);
            var since = DateOnly.Parse(doc.RootElement.GetProperty("since").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            var until = DateOnly.Parse(doc.RootElement.GetProperty("until").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            return until.DayNumber - since.DayNumber + 1;
        }
    }
}

internal sealed class WireLog
{
    private readonly ConcurrentQueue<WireEntry> entries = new();

    public IReadOnlyList<WireEntry> Entries => entries.ToList();

    public void Add(WireEntry entry) => entries.Enqueue(entry);
}

/// <summary>Records each attempt; optionally answers instead of the sandbox, or rewrites the sandbox's body.</summary>
internal sealed class WireHandler(WireLog log, Func<HttpRequestMessage, HttpResponseMessage?>? intercept, Func<HttpRequestMessage, string, string>? rewriteBody) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in Decode(request.RequestUri!.Query))
        {
            parameters[k] = v;
        }

        if (request.Content is FormUrlEncodedContent form)
        {
            foreach (var (k, v) in Decode(await form.ReadAsStringAsync(cancellationToken)))
            {
                parameters[k] = v;
            }
        }

        var response = intercept?.Invoke(request) ?? await base.SendAsync(request, cancellationToken);
        if (rewriteBody is not null && response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var rewritten = rewriteBody(request, body);
            if (!ReferenceEquals(rewritten, body))
            {
                var replacement = new StringContent(rewritten, System.Text.Encoding.UTF8, "application/json");
                response.Content = replacement;
            }
        }

        log.Add(new WireEntry(request.Method.Method, request.RequestUri.AbsolutePath, parameters, (int)response.StatusCode));
        return response;
    }

    private static IEnumerable<(string, string)> Decode(string query) =>
        query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p =>
        {
            var eq = p.IndexOf('=', StringComparison.Ordinal);
            return eq < 0
                ? (Uri.UnescapeDataString(p), "")
                : (Uri.UnescapeDataString(p[..eq].Replace('+', ' ')), Uri.UnescapeDataString(p[(eq + 1)..].Replace('+', ' ')));
        });
}

internal sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    private DateTimeOffset now = now;

    public override DateTimeOffset GetUtcNow() => now;

    public void Advance(TimeSpan by) => now += by;
}

internal static class HttpStatus
{
    public static bool IsError(int status) => status >= (int)HttpStatusCode.BadRequest;
}
