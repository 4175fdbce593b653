using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Pipeline.Connectors.Http;

namespace Pipeline.Connectors.Ga4;

/// <summary>
/// The slice of the Google Analytics Data API v1beta this connector uses (runReport, metadata). The official
/// Google.Apis.AnalyticsData.v1beta package is not available here; this file is the one place to swap it in.
/// Field names follow the REST reference; every dimension and metric value arrives as a string.
/// </summary>
public sealed class Ga4DataApiClient(HttpClient http)
{
    public Task<RunReportResponse> RunReportAsync(string propertyId, RunReportRequest request, CancellationToken cancellationToken = default) =>
        http.SendForJsonAsync(
            () => new HttpRequestMessage(HttpMethod.Post, $"v1beta/properties/{Uri.EscapeDataString(propertyId)}:runReport")
            {
                Content = JsonContent.Create(request, Ga4Json.Default.RunReportRequest),
            },
            Ga4Json.Default.RunReportResponse,
            ReportRows,
            null,
            cancellationToken);

    /// <summary>A report's <c>rows</c>, read once each while the page streams in (the serializer would scan each twice).</summary>
    internal static readonly JsonRows<RunReportResponse, ReportRow> ReportRows =
        new("rows", ReportRowConverter.TryRead, static (page, rows) => page with { Rows = rows });

    /// <summary>
    /// Admin API v1beta <c>GET properties/{id}</c> (another host, same token and scope analytics.readonly): the
    /// property's <c>createTime</c>, the first moment it could collect data.
    /// </summary>
    public Task<Ga4Property> GetPropertyAsync(Uri adminBaseUrl, string propertyId, CancellationToken cancellationToken = default) =>
        http.GetPageAsync(new Uri(adminBaseUrl, $"v1beta/properties/{Uri.EscapeDataString(propertyId)}"), Ga4Json.Default.Ga4Property, cancellationToken);

    public Task<Ga4Metadata> GetMetadataAsync(string propertyId, CancellationToken cancellationToken = default) =>
        http.GetPageAsync($"v1beta/properties/{Uri.EscapeDataString(propertyId)}/metadata", Ga4Json.Default.Ga4Metadata, cancellationToken);
}

public sealed record RunReportRequest
{
    public required IReadOnlyList<Ga4Name> Dimensions { get; init; }
    public required IReadOnlyList<Ga4Name> Metrics { get; init; }
    public required IReadOnlyList<Ga4DateRange> DateRanges { get; init; }
    public long Limit { get; init; }
    public long Offset { get; init; }
    public bool KeepEmptyRows { get; init; }
    public bool ReturnPropertyQuota { get; init; } = true;
}

public sealed record Ga4Name(string Name);

public sealed record Ga4DateRange(string StartDate, string EndDate);

/// <remarks>
/// GA4 answers in proto3 JSON, which drops empty lists, zero counts and unset messages: an empty report has no
/// <c>rows</c>, <c>rowCount</c> or <c>totals</c>. Source-generated System.Text.Json assigns null to an init property
/// that is absent from the JSON (ignoring the initializer), so every list setter turns null back into empty.
/// </remarks>
public sealed record RunReportResponse
{
    public IReadOnlyList<Ga4Name> DimensionHeaders { get; init => field = value ?? []; } = [];
    public IReadOnlyList<MetricHeader> MetricHeaders { get; init => field = value ?? []; } = [];
    public IReadOnlyList<ReportRow> Rows { get; init => field = value ?? []; } = [];
    public long RowCount { get; init; }
    public ResponseMetadata? Metadata { get; init; }
    public PropertyQuota? PropertyQuota { get; init; }
}

public sealed record MetricHeader(string Name, string? Type);


public sealed record ResponseMetadata
{
    public string? CurrencyCode { get; init; }
    public string? TimeZone { get; init; }
    public bool DataLossFromOtherRow { get; init; }
    public IReadOnlyList<SamplingMetadata>? SamplingMetadatas { get; init; }
    public bool SubjectToThresholding { get; init; }
    public string? EmptyReason { get; init; }
}

public sealed record SamplingMetadata(string? SamplesReadCount, string? SamplingSpaceSize);

public sealed record PropertyQuota
{
    public QuotaStatus? TokensPerDay { get; init; }
    public QuotaStatus? TokensPerHour { get; init; }
    public QuotaStatus? ConcurrentRequests { get; init; }
    public QuotaStatus? ServerErrorsPerProjectPerHour { get; init; }
    public QuotaStatus? PotentiallyThresholdedRequestsPerHour { get; init; }
    public QuotaStatus? TokensPerProjectPerHour { get; init; }
}

public sealed record QuotaStatus(long Consumed, long Remaining);

public sealed record Ga4Metadata
{
    public string? Name { get; init; }
    public IReadOnlyList<DimensionMetadata> Dimensions { get; init => field = value ?? []; } = [];
    public IReadOnlyList<MetricMetadata> Metrics { get; init => field = value ?? []; } = [];
}

public sealed record DimensionMetadata(string ApiName, string? UiName, bool CustomDefinition = false);

public sealed record MetricMetadata(string ApiName, string? UiName, string? Type, bool CustomDefinition = false);

/// <summary>Admin API <c>Property</c> (fields this connector reads; <c>createTime</c> is RFC 3339 UTC).</summary>
public sealed record Ga4Property
{
    /// <summary>properties/{id}.</summary>
    public string? Name { get; init; }
    public string? DisplayName { get; init; }
    public DateTimeOffset? CreateTime { get; init; }
    public string? TimeZone { get; init; }
    public string? CurrencyCode { get; init; }
}

/// <summary>Google's error body: <c>{"error":{"code","message","status"}}</c>.</summary>
public sealed record GoogleErrorBody(GoogleError? Error);

public sealed record GoogleError(int Code, string? Message, string? Status);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault)]
[JsonSerializable(typeof(RunReportRequest))]
[JsonSerializable(typeof(RunReportResponse))]
[JsonSerializable(typeof(Ga4Metadata))]
[JsonSerializable(typeof(Ga4Property))]
[JsonSerializable(typeof(GoogleErrorBody))]
[JsonSerializable(typeof(ReportRow))]
internal sealed partial class Ga4Json : JsonSerializerContext;
