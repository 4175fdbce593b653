using Pipeline.Sandbox.World;

namespace Pipeline.Sandbox;

/// <summary>
/// Client accounts an agency reads besides the sandbox's own business: client <c>i</c> is a small business of its own
/// (its own seed, one Meta ad account, one Mailchimp list, a small CRM) seen through the platforms it uses. Every
/// client has a GA4 property and a Meta ad account up to those counts, and Mailchimp and HubSpot up to theirs, so
/// the first clients use all four platforms. Each account has its own limits, as on the real platforms.
/// </summary>
public sealed record AgencyAccounts
{
    public int Ga4Properties { get; init; }

    public int MetaAdAccounts { get; init; }

    public int MailchimpAccounts { get; init; }

    public int HubSpotAccounts { get; init; }

    /// <summary>Clients in all: the largest of the per-platform counts.</summary>
    public int Clients => Math.Max(Math.Max(Ga4Properties, MetaAdAccounts), Math.Max(MailchimpAccounts, HubSpotAccounts));

    /// <summary>The same count on every platform.</summary>
    public static AgencyAccounts Each(int count) => new() { Ga4Properties = count, MetaAdAccounts = count, MailchimpAccounts = count, HubSpotAccounts = count };

    /// <summary>
    /// Client <paramref name="index"/>'s world: the agency world's calendar, a seed of its own and small sizes (a daily
    /// incremental reads a few pages per account), without the demo's injected outages and anomalies.
    /// </summary>
    public static WorldOptions ClientWorld(WorldOptions agency, int index)
    {
        ArgumentNullException.ThrowIfNull(agency);
        return agency with
        {
            Seed = unchecked((int)Det.Hash(agency.Seed, 7_301, index)),
            MetaAdAccounts = 1,
            MetaCampaignsPerAccount = 2,
            MetaAdSetsPerCampaign = 1,
            MetaAdsPerAdSet = 2,
            MetaPausedDays = 0,
            MetaDroppedActionType = null,
            Ga4SegmentsPerDay = 8,
            Ga4UniqueLandingPages = false,
            Ga4TrackingOutageDay = null,
            MailchimpLists = 1,
            MailchimpMembersPerList = 60,
            MailchimpCampaigns = 3,
            Contacts = 150,
            Companies = 40,
            Deals = 60,
            InjectedAnomalies = [],
        };
    }

    internal void Validate()
    {
        if (Ga4Properties < 0 || MetaAdAccounts < 0 || MailchimpAccounts < 0 || HubSpotAccounts < 0 || Clients > 1_000)
        {
            throw new ArgumentException("Agency accounts out of range (0-1000 per platform).");
        }
    }
}
