using Pipeline.Sandbox.Hosting;

namespace Pipeline.Sandbox;

/// <summary>
/// What the sandbox observed of one account's quota: the highest load its limit measured (<paramref name="Peak"/>),
/// the limit itself, and the requests it refused with the platform's throttle.
/// </summary>
/// <param name="Platform">ga4, meta, mailchimp or hubspot.</param>
/// <param name="Account">The GA4 property id, Meta ad account id, Mailchimp account's first list id or HubSpot portal id.</param>
/// <param name="Measure">What Peak counts: concurrent requests, BUC call_count %, simultaneous connections, requests in any 10 s.</param>
public sealed record AccountQuotaStats(string Platform, string Account, string Measure, int Peak, int Limit, long Refused)
{
    /// <summary>The account never went over its limit and was never refused.</summary>
    public bool Honoured => Peak <= Limit && Refused == 0;
}

/// <summary>Reads the per-account observations of a running sandbox (the agency's own accounts first, then each client's).</summary>
internal static class QuotaStats
{
    public static IReadOnlyList<AccountQuotaStats> Read(SandboxState agency)
    {
        var counts = agency.Options.Agency;
        var result = new List<AccountQuotaStats>();
        result.AddRange(Of(agency, ga4: true, meta: true, mailchimp: true, hubSpot: true));
        foreach (var client in agency.Clients)
        {
            var i = client.ClientIndex!.Value;
            result.AddRange(Of(client, i < counts.Ga4Properties, i < counts.MetaAdAccounts, i < counts.MailchimpAccounts, i < counts.HubSpotAccounts));
        }

        return result;
    }

    private static IEnumerable<AccountQuotaStats> Of(SandboxState s, bool ga4, bool meta, bool mailchimp, bool hubSpot)
    {
        var o = s.Observed;
        var options = s.Options;
        if (ga4)
        {
            yield return new("ga4", s.World.Ga4.PropertyId, "concurrent requests", o.PeakGa4Concurrent, options.Ga4ConcurrentRequests, o.Refused(SandboxApi.Ga4));
        }

        if (meta)
        {
            // One usage budget per state: the agency's own two ad accounts share theirs, as one business's would.
            yield return new("meta", s.World.Meta.Accounts[0].AccountId, "BUC call_count %", o.PeakMetaUsagePercent, 100, o.Refused(SandboxApi.Meta));
        }

        if (mailchimp)
        {
            yield return new("mailchimp", s.World.Mailchimp.Lists[0].Id, "simultaneous connections", o.PeakMailchimpConnections, options.MailchimpMaxConcurrentRequests, o.Refused(SandboxApi.Mailchimp));
        }

        if (hubSpot)
        {
            yield return new("hubspot", s.World.Crm.PortalId.ToString(System.Globalization.CultureInfo.InvariantCulture), "requests in any 10 s",
                o.PeakHubSpotTenSeconds, options.HubSpotRequestsPerTenSeconds, o.Refused(SandboxApi.HubSpot));
        }
    }
}
