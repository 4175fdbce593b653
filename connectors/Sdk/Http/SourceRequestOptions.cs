namespace Pipeline.Connectors.Http;

/// <summary>Per-request tags the SDK's handlers read.</summary>
public static class SourceRequestOptions
{
    internal static readonly HttpRequestOptionsKey<string> EndpointClassKey = new("Pipeline.EndpointClass");

    /// <summary>
    /// Marks the request as one of an endpoint class with its own rate limit
    /// (<see cref="SourceHttpOptions.EndpointRateLimits"/>), e.g. "search" for HubSpot's CRM search.
    /// </summary>
    public static HttpRequestMessage SetEndpointClass(this HttpRequestMessage request, string endpointClass)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Options.Set(EndpointClassKey, endpointClass);
        return request;
    }

    public static string? GetEndpointClass(this HttpRequestMessage request) =>
        request.Options.TryGetValue(EndpointClassKey, out var value) ? value : null;
}
