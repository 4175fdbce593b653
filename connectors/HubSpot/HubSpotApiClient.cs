using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Pipeline.Connectors.Http;

namespace Pipeline.Connectors.HubSpot;

/// <summary>
/// The slice of HubSpot's CRM API this connector reads: object lists (v3), search (v3), deal pipelines (v3),
/// association batch reads (v4), account details and property definitions. Throttling, 5xx and broken bodies are
/// retried by the SDK; a DAILY 429 fails this request and every later one of the connection without a call.
/// </summary>
internal sealed class HubSpotApiClient(HttpClient http, string account, HubSpotOptions options, TimeProvider clock)
{
    private const int AuthRetriesAfterSuccess = 3;

    private readonly PageReadOptions pageOptions = new() { BaseDelay = options.RetryBaseDelay };
    private volatile bool tokenWorked;
    private volatile string? stopReason;

    /// <summary>Why this connection stopped calling HubSpot (the daily limit), or null.</summary>
    public string? StopReason => stopReason;

    public Task<ObjectPage> ListAsync(string objectType, IReadOnlyList<string> properties, bool archived, string? after, CancellationToken cancellationToken)
    {
        var uri = string.Create(
            CultureInfo.InvariantCulture,
            $"crm/v3/objects/{objectType}?limit={options.PageSize}&archived={(archived ? "true" : "false")}&properties={Uri.EscapeDataString(string.Join(',', properties))}");
        if (after is not null)
        {
            uri += "&after=" + Uri.EscapeDataString(after);
        }

        return SendAsync(() => new HttpRequestMessage(HttpMethod.Get, uri), HubSpotJson.Default.ObjectPage, cancellationToken);
    }

    public Task<ObjectPage> SearchAsync(string objectType, SearchRequest body, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(body, HubSpotJson.Default.SearchRequest);
        return SendAsync(
            () => new HttpRequestMessage(HttpMethod.Post, $"crm/v3/objects/{objectType}/search")
            {
                Content = new StringContent(json, Encoding.UTF8, "application/json"),
            }.SetEndpointClass(HubSpotRateBudgetHandler.SearchClass),
            HubSpotJson.Default.ObjectPage,
            cancellationToken);
    }

    public Task<PipelinesResponse> GetDealPipelinesAsync(CancellationToken cancellationToken) =>
        SendAsync(() => new HttpRequestMessage(HttpMethod.Get, "crm/v3/pipelines/deals"), HubSpotJson.Default.PipelinesResponse, cancellationToken);

    public Task<AssociationBatchResponse> ReadAssociationsAsync(string fromType, string toType, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(new BatchInputs([.. ids.Select(id => new BatchInput(id))]), HubSpotJson.Default.BatchInputs);
        return SendAsync(
            () => new HttpRequestMessage(HttpMethod.Post, $"crm/v4/associations/{fromType}/{toType}/batch/read")
            {
                Content = new StringContent(json, Encoding.UTF8, "application/json"),
            },
            HubSpotJson.Default.AssociationBatchResponse,
            cancellationToken);
    }

    /// <summary>The portal's details, or null when the API (or the sandbox) does not serve them.</summary>
    public async Task<AccountDetails?> TryGetAccountDetailsAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, "account-info/v3/details"), HubSpotJson.Default.AccountDetails, cancellationToken);
        }
        catch (SourceHttpException ex) when (ex.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden)
        {
            return null;
        }
    }

    /// <summary>The names of an object's properties, or null when the endpoint is not served (or the token may not read it).</summary>
    public async Task<IReadOnlySet<string>?> TryGetPropertyNamesAsync(string objectType, CancellationToken cancellationToken)
    {
        try
        {
            var page = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, $"crm/v3/properties/{objectType}"), HubSpotJson.Default.PropertiesResponse, cancellationToken);
            return page.Results.Where(p => p.Name is { Length: > 0 }).Select(p => p.Name!).ToHashSet(StringComparer.Ordinal);
        }
        catch (SourceHttpException ex) when (ex.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden)
        {
            return null;
        }
    }

    private async Task<T> SendAsync<T>(Func<HttpRequestMessage> createRequest, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        var failures = 0;
        while (true)
        {
            if (stopReason is { } stopped)
            {
                // The daily quota is gone: later streams of this run fail at once instead of spending calls on 429s.
                throw new SourceThrottledException(stopped);
            }

            try
            {
                var page = await http.SendForJsonAsync(createRequest, typeInfo, pageOptions, cancellationToken);
                tokenWorked = true;
                return page;
            }
            catch (SourceThrottledException ex)
            {
                stopReason = ex.Message;
                throw;
            }
            catch (SourceHttpException ex) when (ex.StatusCode == HttpStatusCode.Unauthorized)
            {
                // OAuth tokens are refreshed by the auth handler already; a token that has worked gets a few more tries
                // (HubSpot answers an occasional 401 under load), one never accepted fails plainly.
                failures++;
                if (failures > (tokenWorked ? AuthRetriesAfterSuccess : 1))
                {
                    throw new HubSpotAuthException(
                        tokenWorked
                            ? $"HubSpot {account}: the credential stopped working ({Describe(ex.Message)}); check whether the token or grant was revoked"
                            : $"HubSpot {account}: the credential was rejected ({Describe(ex.Message)}); check AccessToken (or the OAuth grant)",
                        ex);
                }

                await Task.Delay(options.RetryBaseDelay * failures, clock, cancellationToken);
            }
        }
    }

    /// <summary>"category: message" from the HubSpot error body quoted in an SDK error message.</summary>
    private static string Describe(string message)
    {
        var start = message.IndexOf('{', StringComparison.Ordinal);
        var end = message.LastIndexOf('}');
        if (start >= 0 && end > start)
        {
            try
            {
                if (JsonSerializer.Deserialize(message.AsSpan(start, end - start + 1), HubSpotJson.Default.HubSpotErrorBody) is { Message: { Length: > 0 } text } error)
                {
                    return error.Category is { Length: > 0 } category ? $"{category}: {text}" : text;
                }
            }
            catch (JsonException)
            {
                // fall through
            }
        }

        return "401 Unauthorized";
    }
}

// Collections below never hold null: source-generated STJ assigns null to an init property whose key is absent (or
// null) in the JSON despite its initializer, so each setter restores the empty list.
internal sealed record ObjectPage
{
    public long? Total { get; init; }
    public IReadOnlyList<CrmObject> Results { get; init => field = value ?? []; } = [];
    public PagingInfo? Paging { get; init; }
}

internal sealed record PagingInfo(PagingNext? Next);

internal sealed record PagingNext(string? After);

internal sealed record CrmObject
{
    public string? Id { get; init; }
    public Dictionary<string, string?>? Properties { get; init; }
    public string? CreatedAt { get; init; }
    public string? UpdatedAt { get; init; }
    public bool? Archived { get; init; }
    public string? ArchivedAt { get; init; }
}

internal sealed record SearchRequest(IReadOnlyList<FilterGroup> FilterGroups, IReadOnlyList<SearchSort> Sorts, IReadOnlyList<string> Properties, int Limit, string? After);

internal sealed record FilterGroup(IReadOnlyList<SearchFilter> Filters);

internal sealed record SearchFilter(string PropertyName, string Operator, string Value);

internal sealed record SearchSort(string PropertyName, string Direction);

internal sealed record PipelinesResponse
{
    public IReadOnlyList<PipelineItem> Results { get; init => field = value ?? []; } = [];
}

internal sealed record PipelineItem
{
    public string? Id { get; init; }
    public string? Label { get; init; }
    public long? DisplayOrder { get; init; }
    public IReadOnlyList<StageItem> Stages { get; init => field = value ?? []; } = [];
    public bool? Archived { get; init; }
    public string? UpdatedAt { get; init; }
}

internal sealed record StageItem
{
    public string? Id { get; init; }
    public string? Label { get; init; }
    public long? DisplayOrder { get; init; }
    public Dictionary<string, JsonElement>? Metadata { get; init; }
    public bool? Archived { get; init; }
    public string? UpdatedAt { get; init; }
}

internal sealed record BatchInputs(IReadOnlyList<BatchInput> Inputs);

internal sealed record BatchInput(string Id);

internal sealed record AssociationBatchResponse
{
    public IReadOnlyList<AssociationResult> Results { get; init => field = value ?? []; } = [];
    public IReadOnlyList<AssociationError>? Errors { get; init; }
}

internal sealed record AssociationResult
{
    public AssociationFrom? From { get; init; }
    public IReadOnlyList<AssociationTo> To { get; init => field = value ?? []; } = [];
}

internal sealed record AssociationFrom(string? Id);

internal sealed record AssociationTo(long? ToObjectId);

internal sealed record AssociationError(string? Category, string? Message, Dictionary<string, List<string>>? Context);

internal sealed record AccountDetails(long? PortalId, string? TimeZone);

internal sealed record PropertiesResponse
{
    public IReadOnlyList<PropertyDefinition> Results { get; init => field = value ?? []; } = [];
}

internal sealed record PropertyDefinition(string? Name);

internal sealed record HubSpotErrorBody(string? Status, string? Message, string? Category, string? ErrorType, string? PolicyName);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ObjectPage))]
[JsonSerializable(typeof(SearchRequest))]
[JsonSerializable(typeof(PipelinesResponse))]
[JsonSerializable(typeof(BatchInputs))]
[JsonSerializable(typeof(AssociationBatchResponse))]
[JsonSerializable(typeof(AccountDetails))]
[JsonSerializable(typeof(PropertiesResponse))]
[JsonSerializable(typeof(HubSpotErrorBody))]
[JsonSerializable(typeof(CrmObject))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, List<string>>))]
[JsonSerializable(typeof(List<string>))]
internal sealed partial class HubSpotJson : JsonSerializerContext;
