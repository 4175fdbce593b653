using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Polly;
using Polly.Retry;

namespace Pipeline.Connectors.Http;

/// <summary>
/// Page-level retries: the handler pipeline retries until response headers arrive, but a connection that drops
/// halfway through a 5 MB page, or a proxy that cuts the body short, only shows up while reading. Those are
/// retried here by sending the whole request again.
/// </summary>
public sealed class PageReadOptions
{
    private ResiliencePipeline? _pipeline;

    public static PageReadOptions Default { get; } = new();

    /// <summary>Send-and-read attempts per page, the first included.</summary>
    public int MaxAttempts { get; init; } = 3;

    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Reading one page body may take this long (the handler's attempt timeout ends at the headers).</summary>
    public TimeSpan BodyTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public TimeProvider? TimeProvider { get; init; }

    /// <summary>Bodies of error responses are quoted in exceptions up to this many characters.</summary>
    public int ErrorBodyQuoteLength { get; init; } = 500;

    internal ResiliencePipeline Pipeline => _pipeline ??= Build();

    private ResiliencePipeline Build()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAttempts, 1);
        var builder = new ResiliencePipelineBuilder { TimeProvider = TimeProvider ?? TimeProvider.System };
        if (MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = BaseDelay,
                ShouldHandle = new PredicateBuilder().Handle<PageAttemptException>(),
            });
        }

        return builder.Build();
    }
}

public static class JsonPageReader
{
    /// <summary>GETs <paramref name="requestUri"/> (relative to the client's base address) and parses the whole body.</summary>
    public static Task<T> GetPageAsync<T>(this HttpClient client, string requestUri, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default) =>
        client.SendForJsonAsync(() => new HttpRequestMessage(HttpMethod.Get, requestUri), typeInfo, null, cancellationToken);

    /// <inheritdoc cref="GetPageAsync{T}(HttpClient, string, JsonTypeInfo{T}, CancellationToken)"/>
    public static Task<T> GetPageAsync<T>(this HttpClient client, Uri requestUri, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default) =>
        client.SendForJsonAsync(() => new HttpRequestMessage(HttpMethod.Get, requestUri), typeInfo, null, cancellationToken);

    /// <summary>GETs a page with one large row array, its rows read once each while the body streams in (<see cref="StreamedJsonPage"/>).</summary>
    public static Task<T> GetPageAsync<T, TRow>(this HttpClient client, string requestUri, JsonTypeInfo<T> typeInfo, JsonRows<T, TRow> rows, CancellationToken cancellationToken = default) =>
        client.SendForJsonAsync(() => new HttpRequestMessage(HttpMethod.Get, requestUri), typeInfo, rows, null, cancellationToken);

    /// <summary>
    /// Sends a request built by <paramref name="createRequest"/> (called once per attempt: a message cannot be sent
    /// twice), reads the whole body and parses it. A body that breaks off or does not parse is fetched again up
    /// to <see cref="PageReadOptions.MaxAttempts"/> times.
    /// </summary>
    /// <exception cref="SourceHttpException">A non-success status, or the body could not be read on any attempt.</exception>
    /// <exception cref="SourceResponseFormatException">The body was not valid JSON for <typeparamref name="T"/> on any attempt.</exception>
    public static Task<T> SendForJsonAsync<T>(
        this HttpClient client,
        Func<HttpRequestMessage> createRequest,
        JsonTypeInfo<T> typeInfo,
        PageReadOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        return client.SendAndParseAsync(createRequest, (body, ct) => JsonSerializer.DeserializeAsync(body, typeInfo, ct), options, cancellationToken);
    }

    /// <summary>
    /// As <see cref="SendForJsonAsync{T}(HttpClient, Func{HttpRequestMessage}, JsonTypeInfo{T}, PageReadOptions?, CancellationToken)"/>,
    /// for a page with one large row array: its rows are read once, by <paramref name="rows"/>'s row reader, while the
    /// body streams in (<see cref="StreamedJsonPage"/>).
    /// </summary>
    public static Task<T> SendForJsonAsync<T, TRow>(
        this HttpClient client,
        Func<HttpRequestMessage> createRequest,
        JsonTypeInfo<T> typeInfo,
        JsonRows<T, TRow> rows,
        PageReadOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        ArgumentNullException.ThrowIfNull(rows);
        return client.SendAndParseAsync(
            createRequest, (body, ct) => new ValueTask<T?>(StreamedJsonPage.ReadAsync(body, typeInfo, rows, ct)), options, cancellationToken);
    }

    private static async Task<T> SendAndParseAsync<T>(
        this HttpClient client,
        Func<HttpRequestMessage> createRequest,
        Func<Stream, CancellationToken, ValueTask<T?>> parse,
        PageReadOptions? options,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(createRequest);
        options ??= PageReadOptions.Default;
        try
        {
            return await options.Pipeline.ExecuteAsync(
                static (state, ct) => new ValueTask<T>(ReadOnceAsync(state.client, state.createRequest, state.parse, state.options, ct)),
                (client, createRequest, parse, options),
                cancellationToken);
        }
        catch (PageAttemptException e)
        {
            throw e.ToFinalException(options.MaxAttempts);
        }
    }

    private static async Task<T> ReadOnceAsync<T>(
        HttpClient client, Func<HttpRequestMessage> createRequest, Func<Stream, CancellationToken, ValueTask<T?>> parse, PageReadOptions options, CancellationToken cancellationToken)
    {
        using var request = createRequest();
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        // HttpClient has made the URI absolute and the auth handler may have added a token to it by now.
        var method = request.Method.Method;
        var url = SecretRedactor.RedactUrl(request.RequestUri);
        if (!response.IsSuccessStatusCode)
        {
            var quote = await QuoteBodyAsync(response, options.ErrorBodyQuoteLength, cancellationToken);
            throw new SourceHttpException(
                $"{method} {url} failed with {(int)response.StatusCode} {response.ReasonPhrase}: {quote}", response.StatusCode, url);
        }

        // The body is parsed while it arrives (the serializer reads the stream through a small pooled buffer): no
        // whole-page byte array on the large-object heap, and a page costs only what its parsed values hold.
        T? page;
        using (var bodyTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            bodyTimeout.CancelAfter(options.BodyTimeout);
            try
            {
                await using var body = await response.Content.ReadAsStreamAsync(bodyTimeout.Token);
                page = await parse(body, bodyTimeout.Token);
            }
            catch (Exception e) when (e is IOException or HttpRequestException or JsonException
                                      || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // A body cut short by a proxy parses as truncated JSON; another fetch usually gets it whole.
                throw new PageAttemptException(method, url, e);
            }
        }

        return page ?? throw new SourceResponseFormatException($"{method} {url}: response body is JSON null", url, null, null, null);
    }

    private static async Task<string> QuoteBodyAsync(HttpResponseMessage response, int maxLength, CancellationToken cancellationToken)
    {
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            return text.Length <= maxLength ? text : string.Concat(text.AsSpan(0, maxLength), "…");
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            return "(body unreadable)";
        }
    }
}

/// <summary>One attempt's retryable failure; turned into a public exception when attempts run out.</summary>
internal sealed class PageAttemptException(string method, string url, Exception inner) : Exception(inner.Message, inner)
{
    public Exception ToFinalException(int attempts)
    {
        if (InnerException is JsonException json)
        {
            var where = json.LineNumber is { } line
                ? $"line {line + 1}, byte {json.BytePositionInLine + 1}{(json.Path is { Length: > 0 } p ? $" (at {p})" : string.Empty)}"
                : "unknown position";
            return new SourceResponseFormatException(
                $"{method} {url}: response is not valid JSON after {attempts} attempt(s): parse error at {where}: {json.Message}",
                url,
                json.LineNumber,
                json.BytePositionInLine,
                json);
        }

        return new SourceHttpException(
            $"{method} {url}: response body could not be read after {attempts} attempt(s): {InnerException!.Message}", null, url, InnerException);
    }
}
