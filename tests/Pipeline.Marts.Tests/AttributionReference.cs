using System.Globalization;
using Pipeline.Sandbox.World;

namespace Pipeline.Marts.Tests;

/// <summary>
/// The attribution rules of SEMANTICS.md ("Attribution") written out on their own from the records the sandbox's
/// HubSpot serves, without the warehouse's SQL: a record's first touch (original source → channel, campaign from a
/// documented drill-down else the first page's utm_campaign, never an id), and the channel and campaign a deal
/// counts under for each attribution model.
/// </summary>
public static class AttributionReference
{
    public const string FirstTouch = "first_touch";
    public const string DealSource = "deal_source";

    /// <summary>The touch of a record: its original source, the channel that maps to and its campaign (or null).</summary>
    public sealed record Touch(string? Source, string Channel, string? Campaign);

    private static readonly Lock Gate = new();
    private static SandboxWorld? cachedWorld;
    private static Dictionary<long, Touch> contacts = [];
    private static Dictionary<long, Touch> companies = [];
    private static Dictionary<long, long?> companyOfContact = [];

    /// <summary>Every (non-archived) contact's first touch, by contact id.</summary>
    public static IReadOnlyDictionary<long, Touch> Contacts => Load().Contacts;

    /// <summary>Every company's first touch, by company id.</summary>
    public static IReadOnlyDictionary<long, Touch> Companies => Load().Companies;

    /// <summary>A contact's primary company id (associatedcompanyid), or null.</summary>
    public static IReadOnlyDictionary<long, long?> CompanyOfContact => Load().CompanyOfContact;

    /// <summary>The campaign of a touch as HubSpot documents its drill-downs per source type; ids never count.</summary>
    public static string? Campaign(string? source, string? drillDown1, string? drillDown2, string? firstUrl)
    {
        var documented = source?.ToUpperInvariant() switch
        {
            "PAID_SEARCH" or "EMAIL_MARKETING" => drillDown1,
            "SOCIAL_MEDIA" => drillDown2,
            _ => null,
        };
        return Named(documented) ?? Named(UtmCampaign(firstUrl));
    }

    /// <summary>The channel a deal's revenue, won deal and deal count go to under a model.</summary>
    public static string DealChannel(HubSpotDealFact deal, string model = FirstTouch) => DealTouch(deal, model).Channel;

    /// <summary>The channel and campaign a deal counts under: first_touch = its customer's record, deal_source = its own source.</summary>
    public static Touch DealTouch(HubSpotDealFact deal, string model = FirstTouch)
    {
        ArgumentNullException.ThrowIfNull(deal);
        var own = ReferenceKpis.HubSpotChannel(deal.OriginalSource);
        Touch? contact = deal.ContactIds.Count > 0 && Contacts.TryGetValue(deal.ContactIds[0], out var c) && c.Source is not null ? c : null;
        if (model == DealSource)
        {
            var sameSource = contact is not null && string.Equals(contact.Source, deal.OriginalSource, StringComparison.OrdinalIgnoreCase);
            return new Touch(deal.OriginalSource, own, sameSource ? contact!.Campaign : null);
        }

        Touch? company = deal.CompanyIds.Count > 0 && Companies.TryGetValue(deal.CompanyIds[0], out var co) && co.Source is not null ? co : null;
        return company ?? contact ?? new Touch(deal.OriginalSource, own, null);
    }

    private static (Dictionary<long, Touch> Contacts, Dictionary<long, Touch> Companies, Dictionary<long, long?> CompanyOfContact) Load()
    {
        var world = MartsFixture.SandboxWorld;
        lock (Gate)
        {
            if (!ReferenceEquals(world, cachedWorld))
            {
                Build(world);
                cachedWorld = world;
            }

            return (contacts, companies, companyOfContact);
        }
    }

    private static void Build(SandboxWorld world)
    {
        var crm = world.Crm;
        var contactRows = new List<(long Id, DateTimeOffset Created, long? Company, IReadOnlyDictionary<string, string?> P)>();
        for (var i = 0; i < crm.Count(CrmObjectType.Contacts); i++)
        {
            var core = crm.Core(CrmObjectType.Contacts, i);
            if (core.Archived)
            {
                continue;
            }

            var p = crm.Properties(CrmObjectType.Contacts, i);
            long? company = long.TryParse(p.GetValueOrDefault("associatedcompanyid"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) ? id : null;
            contactRows.Add((core.Id, core.CreatedAt, company, p));
        }

        contacts = contactRows.ToDictionary(
            r => r.Id,
            r => Make(r.P.GetValueOrDefault("hs_analytics_source"), r.P.GetValueOrDefault("hs_analytics_source_data_1"),
                r.P.GetValueOrDefault("hs_analytics_source_data_2"), r.P.GetValueOrDefault("hs_analytics_first_url")));
        companyOfContact = contactRows.ToDictionary(r => r.Id, r => r.Company);
        companies = [];
        for (var i = 0; i < crm.Count(CrmObjectType.Companies); i++)
        {
            var core = crm.Core(CrmObjectType.Companies, i);
            var p = crm.Properties(CrmObjectType.Companies, i);
            var source = p.GetValueOrDefault("hs_analytics_source");

            // A company has no landing page of its own: its UTM data is its first contact's with the same source.
            var firstUrl = contactRows
                .Where(r => r.Company == core.Id && string.Equals(r.P.GetValueOrDefault("hs_analytics_source"), source, StringComparison.OrdinalIgnoreCase))
                .OrderBy(r => r.Created.UtcTicks / TimeSpan.TicksPerMillisecond).ThenBy(r => r.Id)
                .Select(r => r.P.GetValueOrDefault("hs_analytics_first_url"))
                .FirstOrDefault();
            companies[core.Id] = Make(source, p.GetValueOrDefault("hs_analytics_source_data_1"), p.GetValueOrDefault("hs_analytics_source_data_2"), firstUrl);
        }
    }

    private static Touch Make(string? source, string? d1, string? d2, string? firstUrl) =>
        new(string.IsNullOrEmpty(source) ? null : source, ReferenceKpis.HubSpotChannel(source), Campaign(source, d1, d2, firstUrl));

    private static string? UtmCampaign(string? url)
    {
        var query = url?.Split('#', 2)[0].Split('?', 2) is [_, var q] ? q : null;
        return query?.Split('&')
            .Select(pair => pair.Split('=', 2))
            .Where(kv => kv.Length == 2 && kv[0] == "utm_campaign")
            .Select(kv => kv[1].Replace('+', ' ').Replace("%20", " ", StringComparison.Ordinal))
            .FirstOrDefault();
    }

    // Trimmed and non-empty, and not an id: a value of digits only names an ad, an app or an import, never a campaign.
    private static string? Named(string? value) =>
        value?.Trim() is { Length: > 0 } v && !v.All(char.IsAsciiDigit) ? v : null;
}
