using Pipeline.Sandbox.Mailchimp;

namespace Pipeline.Sandbox.Hosting;

/// <summary>
/// Which client account a request is for, from what the real APIs key their quotas on: the GA4 property in the path,
/// the Meta ad account in the path (or the account an async report run belongs to), the Mailchimp API key and the
/// HubSpot private-app token. Anything else is the agency's own world.
/// </summary>
internal sealed class AgencyTenants
{
    private const string ItemKey = "sandbox.tenant";
    private readonly SandboxState agency;
    private readonly Dictionary<string, SandboxState> ga4 = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SandboxState> meta = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SandboxState> mailchimp = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SandboxState> hubSpot = new(StringComparer.Ordinal);

    public AgencyTenants(SandboxState agency)
    {
        this.agency = agency;
        var counts = agency.Options.Agency;
        foreach (var client in agency.Clients)
        {
            var i = client.ClientIndex!.Value;
            if (i < counts.Ga4Properties)
            {
                ga4.Add(client.World.Ga4.PropertyId, client);
            }

            if (i < counts.MetaAdAccounts)
            {
                meta.Add(client.World.Meta.Accounts[0].AccountId, client);
            }

            if (i < counts.MailchimpAccounts)
            {
                mailchimp.Add(client.MailchimpApiKeys[0], client);
            }

            if (i < counts.HubSpotAccounts)
            {
                hubSpot.Add(client.HubSpotAccessToken, client);
            }
        }
    }

    /// <summary>An endpoint handler given the state of the account the request names.</summary>
    public static RequestDelegate Serve(SandboxState agency, Func<HttpContext, SandboxState, Task> handler) =>
        ctx => handler(ctx, agency.TenantOf(ctx));

    public SandboxState? Of(HttpContext ctx)
    {
        if (ctx.Items.TryGetValue(ItemKey, out var known))
        {
            return (SandboxState?)known;
        }

        var tenant = Resolve(ctx);
        ctx.Items[ItemKey] = tenant;
        return tenant;
    }

    private SandboxState? Resolve(HttpContext ctx)
    {
        if (agency.Clients.Count == 0)
        {
            return null;
        }

        var path = ctx.Request.Path;
        var segments = (path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (path.StartsWithSegments("/ga4") && segments is [_, _, "properties", var target, ..])
        {
            var colon = target.IndexOf(':', StringComparison.Ordinal);
            return ga4.GetValueOrDefault(colon < 0 ? target : target[..colon]);
        }

        if (path.StartsWithSegments("/meta") && segments is [_, _, var node, ..])
        {
            var accountId = node.StartsWith("act_", StringComparison.Ordinal) ? node[4..] : agency.MetaJobs.Find(node)?.AccountId;
            return accountId is null ? null : meta.GetValueOrDefault(accountId);
        }

        if (path.StartsWithSegments("/mailchimp"))
        {
            return MailchimpAuth.ApiKeyOf(ctx) is { } key ? mailchimp.GetValueOrDefault(key) : null;
        }

        if (path.StartsWithSegments("/hubspot"))
        {
            var header = ctx.Request.Headers.Authorization.ToString();
            return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? hubSpot.GetValueOrDefault(header[7..].Trim()) : null;
        }

        return null;
    }
}
