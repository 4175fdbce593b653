using System.Net.Http.Headers;

namespace Pipeline.Connectors.Conformance;

/// <summary>
/// Rewrites the body of successful JSON responses before the connector reads them, so the kit can hand a connector
/// what a real API sends and the sandbox does not (a damaged record, an empty report, a page without its optional
/// keys). <paramref name="rewrite"/> returns the new body, or null to pass the response through unchanged.
/// </summary>
internal sealed class ResponseRewriter(Func<HttpRequestMessage, string, string?> rewrite) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode || response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) != true)
        {
            return response;
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var content = new StringContent(rewrite(request, body) ?? body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        response.Content = content;
        return response;
    }
}
