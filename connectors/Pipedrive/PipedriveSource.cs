using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Pipeline.Connectors.Http;
using Pipeline.Connectors.Modules;
using Pipeline.Connectors.Paging;
using Pipeline.Connectors.Privacy;
using Pipeline.Connectors.Streams;

namespace Pipeline.Connectors.Pipedrive;

/// <summary>Pipedrive CRM (API v2): deals and persons, one connection per company; times are UTC.</summary>
public sealed class PipedriveSource(PipedriveOptions options, IHttpClientFactory httpClients, ApiCallCounters counters) : ISource
{
    public string Name => PipedriveStreams.Source;
    public IReadOnlyList<StreamDescriptor> Streams => PipedriveStreams.All;
    public static string ClientName(int account) => $"pipedrive:{account}";

    public Task<IReadOnlyList<ISourceConnection>> ConnectAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ISourceConnection>>([.. options.Accounts.Select((a, i) => new PipedriveConnection(
            a.CompanyDomain is { Length: > 0 } d ? d : options.BaseUrlOf(a).Host, httpClients.CreateClient(ClientName(i)), counters.For(ClientName(i)), options.PageSize))]);
}

internal sealed class PipedriveConnection(string accountId, HttpClient http, ApiCallCounter counter, int pageSize) : ISourceConnection
{
    public string Source => PipedriveStreams.Source;
    public string AccountId => accountId;
    public TimeZoneInfo TimeZone => TimeZoneInfo.Utc;
    public long ApiCalls => counter.Requests;
    public IReadOnlyList<IStreamReader> Streams { get; } =
        [new PipedriveReader(PipedriveStreams.Deals, "api/v2/deals", http, pageSize), new PipedriveReader(PipedriveStreams.Persons, "api/v2/persons", http, pageSize)];
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>Pages by <c>additional_data.next_cursor</c>, oldest change first, from the committed <c>update_time</c> on.</summary>
internal sealed class PipedriveReader(StreamDescriptor stream, string path, HttpClient http, int pageSize) : IStreamReader
{
    public StreamDescriptor Stream => stream;
    public StreamSyncSettings Settings => StreamSyncSettings.For(stream);

    public async IAsyncEnumerable<RecordBatch> ReadAsync(StreamReadRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        // updated_since is inclusive: the record at the cursor is read again and replaces itself by its key.
        var since = DateTimeOffset.TryParse(request.Cursor, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var c)
            ? "&updated_since=" + c.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "";
        var query = $"{path}?limit={pageSize}&sort_by=update_time&sort_direction=asc{since}";
        await foreach (var page in Pager.ByCursorAsync(
            (cursor, ct) => http.GetPageAsync(cursor is null ? query : $"{query}&cursor={Uri.EscapeDataString(cursor)}", PipedriveJson.Default.PipedrivePage, ct),
            p => p.AdditionalData?.NextCursor, cancellationToken: cancellationToken))
        {
            List<object?[]> rows = [];
            List<RejectedRecord> rejects = [];
            foreach (var record in page.Data ?? [])
            {
                try
                {
                    rows.Add([.. stream.Fields.Select(f => Value(record, f))]);
                }
                catch (Exception ex) when (ex is FormatException or InvalidOperationException)
                {
                    rejects.Add(new RejectedRecord($"{stream.Name}: {ex.Message}", record.GetRawText()));
                }
            }

            yield return new RecordBatch(rows, rejects);
        }
    }

    /// <summary>The field's value as its declared CLR type; absent or null is null unless the field is required.</summary>
    private static object? Value(JsonElement record, FieldDef field)
    {
        if (field.Name == "primary_email_sha256")
        {
            var emails = record.TryGetProperty("emails", out var e) && e.ValueKind == JsonValueKind.Array ? e.EnumerateArray() : default;
            return emails.FirstOrDefault(x => x.TryGetProperty("primary", out var p) && p.ValueKind == JsonValueKind.True && x.TryGetProperty("value", out _)) is
                { ValueKind: JsonValueKind.Object } primary && primary.GetProperty("value").GetString() is { Length: > 0 } address ? EmailAddresses.Sha256(address) : null;
        }

        if (!record.TryGetProperty(field.Name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return field.Nullable ? null : throw new FormatException($"'{field.Name}' is missing");
        }

        return field.Type switch
        {
            FieldType.Int64 => value.GetInt64(),
            FieldType.Decimal => value.GetDecimal(),
            FieldType.Boolean => value.GetBoolean(),
            FieldType.Date => DateOnly.ParseExact(value.GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            FieldType.Timestamp => DateTimeOffset.Parse(value.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).UtcDateTime,
            _ => value.GetString(),
        };
    }
}

internal sealed record PipedrivePage([property: JsonPropertyName("data")] List<JsonElement>? Data, [property: JsonPropertyName("additional_data")] PipedriveMore? AdditionalData);

internal sealed record PipedriveMore([property: JsonPropertyName("next_cursor")] string? NextCursor);

[JsonSerializable(typeof(PipedrivePage))]
internal sealed partial class PipedriveJson : JsonSerializerContext;

/// <summary>The Pipedrive source as one module. Not part of the demo world: it proves a source is one folder.</summary>
public sealed class PipedriveModule : SourceModule<PipedriveOptions>
{
    public override string Section => "Pipedrive";
    public override string Name => PipedriveStreams.Source;
    public override IReadOnlyList<StreamDescriptor> BuiltInStreams => PipedriveStreams.All;
    public override string DefaultCron => "0 5/30 * * * ?"; // every 30 min: deals are worked on all day
    public override double FreshnessSlaHours => 2;

    protected override IReadOnlyList<string> AccountLabels(PipedriveOptions options) =>
        [.. options.Accounts.Select((a, i) => a.CompanyDomain is { Length: > 0 } d ? d : $"account{i + 1}")];

    protected override void Register(IServiceCollection services, PipedriveOptions options)
    {
        options.ThrowIfInvalid(Section, message => new ArgumentException(message));
        for (var i = 0; i < options.Accounts.Count; i++)
        {
            var http = new SourceHttpOptions { BaseAddress = options.BaseUrlOf(options.Accounts[i]), BaseDelay = options.RetryBaseDelay };
            var token = options.Accounts[i].ApiToken!.Trim();
            // A header, not the api_token parameter, so the token never appears in a logged URL.
            services.AddSourceHttpClient(PipedriveSource.ClientName(i), http).ConfigureHttpClient(c => c.DefaultRequestHeaders.Add("x-api-token", token));
        }

        services.TryAddSingleton<ApiCallCounters>();
        services.AddSingleton<ISource>(sp => new PipedriveSource(options, sp.GetRequiredService<IHttpClientFactory>(), sp.GetRequiredService<ApiCallCounters>()));
    }
}
