using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Pipeline.Connectors.Http;

namespace Pipeline.Connectors.Meta;

/// <summary>
/// The slice of the Graph API (Marketing API) this connector uses: the ad account node, the campaign/ad set/ad
/// edges, synchronous insights, and async report runs. There is no official .NET SDK; this file is the one place
/// that knows paths and parameters. The access token is added by the HTTP client's auth handler.
/// </summary>
public sealed class MetaGraphClient(HttpClient http, string apiVersion)
{
    public const string AccountFields = "id,account_id,name,currency,timezone_name,account_status,created_time";

    public Task<MetaAdAccountNode> GetAdAccountAsync(string accountId, CancellationToken cancellationToken = default) =>
        http.GetPageAsync(Path($"act_{accountId}", [("fields", AccountFields)]), MetaJson.Default.MetaAdAccountNode, cancellationToken);

    /// <summary>One page of <c>act_{id}/campaigns|adsets|ads</c>.</summary>
    public Task<MetaEntityPage> GetEntitiesAsync(
        string accountId, string edge, IReadOnlyList<string> fields, int limit, string? after, DateTimeOffset? updatedSince, CancellationToken cancellationToken = default)
    {
        var query = new List<(string, string)> { ("fields", string.Join(',', fields)), ("limit", Int(limit)) };
        if (updatedSince is { } since)
        {
            query.Add(("filtering", string.Create(CultureInfo.InvariantCulture,
                $$"""[{"field":"updated_time","operator":"GREATER_THAN","value":{{since.ToUnixTimeSeconds()}}}]""")));
        }

        if (after is not null)
        {
            query.Add(("after", after));
        }

        return http.GetPageAsync(Path($"act_{accountId}/{edge}", query), MetaJson.Default.MetaEntityPage, cancellationToken);
    }

    /// <summary>One page of the synchronous <c>GET act_{id}/insights</c>, its rows typed by <paramref name="pageRows"/> (see <see cref="MetaJson.InsightsRows"/>).</summary>
    internal Task<MetaInsightsPage> GetInsightsAsync(string accountId, MetaInsightsQuery query, string? after, JsonRows<MetaInsightsPage, MetaInsightsRow> pageRows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var parameters = query.Parameters().ToList();
        if (after is not null)
        {
            parameters.Add(("after", after));
        }

        return http.GetPageAsync(Path($"act_{accountId}/insights", parameters), MetaJson.Default.MetaInsightsPage, pageRows, cancellationToken);
    }

    /// <summary><c>POST act_{id}/insights</c>: starts an async report run.</summary>
    public Task<MetaReportRun> StartReportRunAsync(string accountId, MetaInsightsQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var form = query.Parameters().Select(p => new KeyValuePair<string, string>(p.Name, p.Value)).ToList();
        return http.SendForJsonAsync(
            () => new HttpRequestMessage(HttpMethod.Post, Path($"act_{accountId}/insights", []))
            {
                Content = new FormUrlEncodedContent(form),
            },
            MetaJson.Default.MetaReportRun,
            null,
            cancellationToken);
    }

    /// <summary><c>GET {report_run_id}</c>: the run's async_status.</summary>
    public Task<MetaReportRunStatus> GetReportRunAsync(string reportRunId, CancellationToken cancellationToken = default) =>
        http.GetPageAsync(
            Path(Uri.EscapeDataString(reportRunId), [("fields", "id,account_id,async_status,async_percent_completion,date_start,date_stop")]),
            MetaJson.Default.MetaReportRunStatus,
            cancellationToken);

    /// <summary>One page of a completed run's <c>GET {report_run_id}/insights</c>, its rows typed by <paramref name="pageRows"/>.</summary>
    internal Task<MetaInsightsPage> GetReportRunInsightsAsync(string reportRunId, int limit, string? after, JsonRows<MetaInsightsPage, MetaInsightsRow> pageRows, CancellationToken cancellationToken = default)
    {
        var query = new List<(string, string)> { ("limit", Int(limit)) };
        if (after is not null)
        {
            query.Add(("after", after));
        }

        return http.GetPageAsync(Path($"{Uri.EscapeDataString(reportRunId)}/insights", query), MetaJson.Default.MetaInsightsPage, pageRows, cancellationToken);
    }

    private string Path(string node, IEnumerable<(string Name, string Value)> query)
    {
        var sb = new StringBuilder(apiVersion).Append('/').Append(node);
        var separator = '?';
        foreach (var (name, value) in query)
        {
            sb.Append(separator).Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }

        return sb.ToString();
    }

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The parameters of one insights request (sync GET or async POST alike).</summary>
public sealed record MetaInsightsQuery(
    string Level,
    IReadOnlyList<string> Fields,
    DateOnly Since,
    DateOnly Until,
    IReadOnlyList<string> Breakdowns,
    IReadOnlyList<string> AttributionWindows,
    int Limit)
{
    public int Days => Until.DayNumber - Since.DayNumber + 1;

    public MetaInsightsQuery WithRange(DateOnly since, DateOnly until) => this with { Since = since, Until = until };

    public IEnumerable<(string Name, string Value)> Parameters()
    {
        yield return ("level", Level);
        yield return ("fields", string.Join(',', Fields));
        yield return ("time_range", string.Create(CultureInfo.InvariantCulture, $$"""{"since":"{{Since:yyyy-MM-dd}}","until":"{{Until:yyyy-MM-dd}}"}"""));
        yield return ("time_increment", "1");
        if (Breakdowns.Count > 0)
        {
            yield return ("breakdowns", string.Join(',', Breakdowns));
        }

        if (AttributionWindows.Count > 0)
        {
            yield return ("action_attribution_windows", JsonSerializer.Serialize(AttributionWindows, MetaJson.Default.IReadOnlyListString));
        }

        yield return ("limit", Limit.ToString(CultureInfo.InvariantCulture));
    }
}

public sealed record MetaAdAccountNode
{
    /// <summary>act_{account_id}.</summary>
    public string? Id { get; init; }
    public string? AccountId { get; init; }
    public string? Name { get; init; }
    public string? Currency { get; init; }
    public string? TimezoneName { get; init; }
    public int? AccountStatus { get; init; }

    /// <summary>Graph time (<c>2024-03-05T09:12:44+0000</c>) the ad account was created: no delivery before it.</summary>
    public string? CreatedTime { get; init; }
}

public sealed record MetaPaging
{
    public MetaCursors? Cursors { get; init; }

    /// <summary>Present only while more data follows; it repeats the query (and the token) with after=.</summary>
    public string? Next { get; init; }
}

public sealed record MetaCursors(string? Before, string? After);

public sealed record MetaEntity
{
    public string? Id { get; init; }
    public string? Name { get; init; }
    public string? AccountId { get; init; }
    public string? CampaignId { get; init; }
    public string? AdsetId { get; init; }
    public string? Status { get; init; }
    public string? EffectiveStatus { get; init; }
    public string? Objective { get; init; }
    public string? DailyBudget { get; init; }
    public string? StartTime { get; init; }
    public string? StopTime { get; init; }
    public string? EndTime { get; init; }
    public string? CreatedTime { get; init; }
    public string? UpdatedTime { get; init; }
}

public sealed record MetaEntityPage
{
    /// <summary>Never null: source-generated STJ assigns null to an init property whose key is absent, so the setter restores [].</summary>
    public IReadOnlyList<MetaEntity> Data { get; init => field = value ?? []; } = [];
    public MetaPaging? Paging { get; init; }
}

/// <summary>Insights rows, typed while the page is read: their keys depend on the level and breakdowns requested (see <see cref="MetaInsightsRowReader"/>).</summary>
public sealed record MetaInsightsPage
{
    /// <summary>Never null, also when <c>data</c> is absent (see <see cref="MetaEntityPage.Data"/>).</summary>
    public IReadOnlyList<MetaInsightsRow> Data { get; init => field = value ?? []; } = [];
    public MetaPaging? Paging { get; init; }
}

public sealed record MetaReportRun(string? ReportRunId);

public sealed record MetaReportRunStatus
{
    public string? Id { get; init; }
    public string? AsyncStatus { get; init; }
    public double? AsyncPercentCompletion { get; init; }
    public string? DateStart { get; init; }
    public string? DateStop { get; init; }
}

/// <summary>Graph's error body: <c>{"error":{"message","type","code","error_subcode","is_transient","fbtrace_id"}}</c>.</summary>
public sealed record MetaErrorBody(MetaError? Error);

public sealed record MetaError
{
    public string? Message { get; init; }
    public string? Type { get; init; }
    public int Code { get; init; }
    public int? ErrorSubcode { get; init; }
    public bool? IsTransient { get; init; }
    public string? ErrorUserTitle { get; init; }
    public string? ErrorUserMsg { get; init; }
    public string? FbtraceId { get; init; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(MetaAdAccountNode))]
[JsonSerializable(typeof(MetaEntityPage))]
[JsonSerializable(typeof(MetaInsightsPage))]
[JsonSerializable(typeof(MetaReportRun))]
[JsonSerializable(typeof(MetaReportRunStatus))]
[JsonSerializable(typeof(MetaErrorBody))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class MetaJson : JsonSerializerContext
{
    /// <summary>
    /// Insights pages whose <c>data</c> rows <paramref name="rows"/> types (one report's layout) once each while the
    /// body streams in (<see cref="StreamedJsonPage"/>); the page's other members read with this context.
    /// </summary>
    public static JsonRows<MetaInsightsPage, MetaInsightsRow> InsightsRows(MetaInsightsRowReader rows) =>
        new("data", rows.TryRead, static (page, data) => page with { Data = data });
}
