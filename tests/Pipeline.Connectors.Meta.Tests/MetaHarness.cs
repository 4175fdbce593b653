using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Connectors.Conformance;
using Pipeline.Etl.Sync;
using Pipeline.Sandbox;
using Pipeline.Sandbox.World;

namespace Pipeline.Connectors.Meta.Tests;

/// <summary>The shared harness (sandbox, warehouse, clock) with the Meta source wired the way the CLI wires it, plus a wire recorder.</summary>
internal static class MetaHarness
{
    /// <param name="wire">Receives every attempt the connector puts on the wire, with its answer.</param>
    public static Task<ConformanceHarness> StartAsync(
        WorldOptions? world = null,
        Action<MetaOptions, SandboxServer>? configure = null,
        SandboxOptions? sandboxOptions = null,
        Func<HttpRequestMessage, HttpResponseMessage?>? intercept = null,
        Func<HttpRequestMessage, string, string>? rewriteBody = null,
        WireLog? wire = null) =>
        ConformanceHarness.StartAsync(
            (sandboxOptions ?? new SandboxOptions()) with { World = world ?? WorldOptions.Demo with { Days = 30 } },
            (services, sandbox) =>
            {
                var options = Options(sandbox);
                configure?.Invoke(options, sandbox);
                Assert.That(options.Validate(), Is.Empty, "the harness configuration is valid");
                services.AddMetaSource(options);
                var log = wire ?? new WireLog();
                foreach (var id in options.AccountIds)
                {
                    // Appended after the connector's handlers, so it sits next to the wire and sees every attempt.
                    services.AddHttpClient(MetaSource.ClientName(id)).AddHttpMessageHandler(() => new WireHandler(log, intercept, rewriteBody));
                }
            },
            // Noon in Berlin on the world's last day: "today" for both accounts (Berlin and New York) is the world's end.
            w => new DateTimeOffset(w.Today.ToDateTime(new TimeOnly(12, 0)), TimeSpan.FromHours(1)));

    public static MetaOptions Options(SandboxServer sandbox) => new()
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

internal static class HttpStatus
{
    public static bool IsError(int status) => status >= (int)HttpStatusCode.BadRequest;
}
