using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Pipeline.Connectors.Auth;

/// <summary>
/// Puts the account's credential on each request; on a 401 with a refreshable credential, drops the rejected
/// token, fetches a new one and re-sends once. A second 401 is returned as is: the grant itself is bad and
/// more refreshes would only burn quota.
/// </summary>
public sealed class AuthHandler : DelegatingHandler
{
    private readonly ITokenProvider _tokens;
    private readonly TokenPlacement _placement;

    public AuthHandler(ITokenProvider tokens, TokenPlacement? placement = null)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        _tokens = tokens;
        _placement = placement ?? TokenPlacement.Bearer;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var token = await _tokens.GetTokenAsync(cancellationToken);
        Apply(request, token);
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized || !_tokens.CanRefresh)
        {
            return response;
        }

        response.Dispose();
        _tokens.Invalidate(token);
        Apply(request, await _tokens.GetTokenAsync(cancellationToken));
        return await base.SendAsync(request, cancellationToken);
    }

    private void Apply(HttpRequestMessage request, string token)
    {
        switch (_placement.Kind)
        {
            case TokenPlacementKind.Bearer:
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                break;
            case TokenPlacementKind.Basic:
                var pair = Encoding.UTF8.GetBytes($"{_placement.Name}:{token}");
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(pair));
                break;
            case TokenPlacementKind.Query:
                request.RequestUri = WithQueryParameter(
                    request.RequestUri ?? throw new InvalidOperationException("request has no URI"), _placement.Name!, token);
                break;
            default:
                throw new InvalidOperationException($"unknown token placement {_placement.Kind}");
        }
    }

    /// <summary>Sets <paramref name="name"/> to <paramref name="value"/>, replacing an earlier value (the re-send after a 401).</summary>
    internal static Uri WithQueryParameter(Uri uri, string name, string value)
    {
        if (!uri.IsAbsoluteUri)
        {
            throw new InvalidOperationException("query-parameter auth needs an absolute URI (set the client's BaseAddress)");
        }

        var prefix = Uri.EscapeDataString(name) + "=";
        var kept = uri.Query.TrimStart('?')
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !p.StartsWith(prefix, StringComparison.Ordinal) && p != Uri.EscapeDataString(name));
        var query = string.Join('&', kept.Append(prefix + Uri.EscapeDataString(value)));
        return new UriBuilder(uri) { Query = query }.Uri;
    }
}
