using System.Net.Http.Headers;

namespace Pipeline.Connectors.Conformance;

/// <summary>
/// Damages one record in each of the first few successful JSON responses, the way a source sometimes sends a
/// value of the wrong type, so a test can check the connector rejects that record and keeps the rest.
/// </summary>
internal sealed class CorruptingHandler(Func<string, string> corrupt, int maxCorruptions, Action onCorrupted) : DelegatingHandler
{
    private int corruptions;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode || response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) != true
            || Volatile.Read(ref corruptions) >= maxCorruptions)
        {
            return response;
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var damaged = corrupt(body);
        if (!ReferenceEquals(damaged, body) && damaged != body && Interlocked.Increment(ref corruptions) <= maxCorruptions)
        {
            onCorrupted();
        }
        else
        {
            damaged = body;
        }

        var content = new StringContent(damaged);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        response.Content = content;
        return response;
    }
}
