using System.Net.Http.Headers;

namespace Pipeline.Reliability.Tests.Infrastructure;

/// <summary>One change to API responses: which requests it applies to, how often, and what it does to the body.</summary>
/// <param name="route">A substring of the request's path and query (e.g. <c>crm/v3/objects/contacts</c>).</param>
/// <param name="bodyContains">Only requests whose body contains this (GA4 reports share one URL and differ in their body).</param>
/// <param name="times">How many responses to change; -1 for every matching one.</param>
/// <param name="apply">The change; returning the body unchanged (no record to change) does not count as a time.</param>
/// <param name="routeLacks">Only requests whose path and query do not contain this (Meta's breakdown insights share the plain ones' URL).</param>
internal sealed class ResponseEdit(string route, string? bodyContains, int times, Func<string, string> apply, string? routeLacks = null)
{
    private readonly Lock gate = new();
    private int applied;

    /// <summary>Responses changed so far.</summary>
    public int Applied
    {
        get
        {
            lock (gate)
            {
                return applied;
            }
        }
    }

    public bool Matches(string pathAndQuery, string? requestBody) =>
        pathAndQuery.Contains(route, StringComparison.Ordinal)
        && (routeLacks is null || !pathAndQuery.Contains(routeLacks, StringComparison.Ordinal))
        && (bodyContains is null || requestBody?.Contains(bodyContains, StringComparison.Ordinal) == true);

    /// <summary>The changed body, or the same one when this edit is used up or found nothing to change.</summary>
    public string Apply(string body)
    {
        lock (gate)
        {
            if (times >= 0 && applied >= times)
            {
                return body;
            }

            var changed = apply(body);
            if (!ReferenceEquals(changed, body) && changed != body)
            {
                applied++;
            }

            return changed;
        }
    }
}

/// <summary>
/// Sits outermost in a source's HTTP client (after auth, retries and paging see the wire) and changes successful
/// JSON responses the way a platform sometimes sends them: a wrong type, a missing field, a record twice, a cut body.
/// </summary>
internal sealed class ResponseRewriter(IReadOnlyList<ResponseEdit> edits) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var requestBody = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var response = await base.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode || response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) != true)
        {
            return response;
        }

        var path = request.RequestUri?.PathAndQuery ?? "";
        var matching = edits.Where(e => e.Matches(path, requestBody)).ToList();
        if (matching.Count == 0)
        {
            return response;
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var original = body;
        foreach (var edit in matching)
        {
            body = edit.Apply(body);
        }

        if (ReferenceEquals(body, original))
        {
            // Nothing changed: hand back the body as read (the content was consumed above).
            var same = new StringContent(body);
            same.Headers.ContentType = response.Content.Headers.ContentType;
            response.Content = same;
            return response;
        }

        var content = new StringContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        response.Content = content;
        return response;
    }
}
