using System.Globalization;

namespace Pipeline.Sandbox.World;

public enum CrmObjectType
{
    Contacts,
    Companies,
    Deals,
}

/// <summary>The cheap facts of a CRM record that filtering, sorting and paging need.</summary>
public readonly record struct CrmRecordCore(CrmObjectType Type, int Index, long Id, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, bool Archived, DateTimeOffset? ArchivedAt);

public sealed record CrmPipelineStage(string Id, string Label, int DisplayOrder, bool IsClosed, double Probability);

/// <summary>A HubSpot portal: contacts, companies and deals derived per index; only the requested page is built.</summary>
public sealed class CrmWorld
{
    public const long ContactIdBase = 101, CompanyIdBase = 5_000_001, DealIdBase = 9_000_001;

    public static readonly IReadOnlyList<CrmPipelineStage> Stages =
    [
        new("appointmentscheduled", "Appointment Scheduled", 0, false, 0.2),
        new("qualifiedtobuy", "Qualified To Buy", 1, false, 0.4),
        new("presentationscheduled", "Presentation Scheduled", 2, false, 0.6),
        new("decisionmakerboughtin", "Decision Maker Bought-In", 3, false, 0.8),
        new("contractsent", "Contract Sent", 4, false, 0.9),
        new("closedwon", "Closed Won", 5, true, 1.0),
        new("closedlost", "Closed Lost", 6, true, 0.0),
    ];

    private static readonly string[] FirstNames = ["Alex", "Bea", "Carl", "Dora", "Emil", "Frida", "Gustav", "Hedda", "Ida", "Jan", "Karla", "Lars"];
    private static readonly string[] LastNames = ["Andersen", "Berg", "Dahl", "Eriksen", "Holm", "Lund", "Nilsen", "Strand", "Vik"];
    private static readonly string[] Industries = ["RETAIL", "HOSPITALITY", "INTERIOR_DESIGN", "REAL_ESTATE", "ARCHITECTURE_PLANNING"];
    private static readonly string[] Lifecycle = ["subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer"];

    private readonly WorldOptions options;
    private readonly long seed;
    private readonly DateTimeOffset asOf;
    private readonly DateTimeOffset firstContact;
    private readonly MetaWorld meta;
    private readonly MailchimpWorld mailchimp;
    private readonly Injections injections;

    internal CrmWorld(WorldOptions options, DateTimeOffset asOf, MetaWorld meta, MailchimpWorld mailchimp)
    {
        this.options = options;
        this.asOf = asOf;
        this.meta = meta;
        this.mailchimp = mailchimp;
        injections = new Injections(options);
        seed = options.Seed;
        firstContact = new DateTimeOffset(options.StartDate.AddDays(-120).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
    }

    /// <summary>The HubSpot portal (hub) id of the business, as account-info reports it.</summary>
    public long PortalId => long.Parse("2" + Det.Digits(7, seed, Salt.HubPortal), CultureInfo.InvariantCulture);

    public string TimeZone => "Europe/Berlin";

    public string Currency => "EUR";

    public int Count(CrmObjectType type) => type switch
    {
        CrmObjectType.Contacts => options.Contacts,
        CrmObjectType.Companies => options.Companies,
        _ => options.Deals,
    };

    public static long IdBase(CrmObjectType type) => type switch
    {
        CrmObjectType.Contacts => ContactIdBase,
        CrmObjectType.Companies => CompanyIdBase,
        _ => DealIdBase,
    };

    public int? IndexOf(CrmObjectType type, long id)
    {
        var index = id - IdBase(type);
        return index >= 0 && index < Count(type) ? (int)index : null;
    }

    public CrmRecordCore Core(CrmObjectType type, int index) => type switch
    {
        CrmObjectType.Contacts => Record(type, index, ContactCreated(index), archivable: false),
        CrmObjectType.Companies => Record(type, index, CompanyCreated(index), archivable: false),
        _ => Record(type, index, DealCreated(index), archivable: true),
    };

    /// <summary>The company of a contact; arithmetic so the reverse lookup needs no scan.</summary>
    public int CompanyOfContact(int contactIndex) => contactIndex % options.Companies;

    public IEnumerable<int> ContactsOfCompany(int companyIndex)
    {
        for (var i = companyIndex; i < options.Contacts; i += options.Companies)
        {
            yield return i;
        }
    }

    /// <summary>Deals spread evenly over contacts (later deals belong to later contacts), with some jitter.</summary>
    public int ContactOfDeal(int dealIndex)
    {
        var bucket = Math.Max(1, options.Contacts / options.Deals);
        var index = (int)((long)dealIndex * options.Contacts / options.Deals) + Det.Index(bucket, seed, Salt.Deal, dealIndex, 1);
        return Math.Min(index, options.Contacts - 1);
    }

    public IEnumerable<int> DealsOfContact(int contactIndex)
    {
        var bucket = Math.Max(1, options.Contacts / options.Deals);
        var first = Math.Max(0, (int)((long)(contactIndex - bucket) * options.Deals / options.Contacts) - 1);
        var last = Math.Min(options.Deals - 1, (int)((long)(contactIndex + 1) * options.Deals / options.Contacts) + 1);
        for (var k = first; k <= last; k++)
        {
            if (ContactOfDeal(k) == contactIndex)
            {
                yield return k;
            }
        }
    }

    public IReadOnlyDictionary<string, string?> Properties(CrmObjectType type, int index) => type switch
    {
        CrmObjectType.Contacts => ContactProperties(index),
        CrmObjectType.Companies => CompanyProperties(index),
        _ => DealProperties(index),
    };

    public static IReadOnlyList<string> DefaultProperties(CrmObjectType type) => type switch
    {
        CrmObjectType.Contacts => ["createdate", "email", "firstname", "hs_object_id", "lastmodifieddate", "lastname"],
        CrmObjectType.Companies => ["createdate", "domain", "hs_lastmodifieddate", "hs_object_id", "name"],
        _ => ["amount", "closedate", "createdate", "dealname", "dealstage", "hs_lastmodifieddate", "hs_object_id", "pipeline"],
    };

    /// <summary>The property a connector must use for incremental reads of this object type.</summary>
    public static string ModifiedDateProperty(CrmObjectType type) => type == CrmObjectType.Contacts ? "lastmodifieddate" : "hs_lastmodifieddate";

    /// <summary>Deal facts for ground truth and the deal properties, as one record.</summary>
    public (decimal Amount, string Stage, DateTimeOffset? CloseDate) DealFacts(int index)
    {
        var core = Core(CrmObjectType.Deals, index);
        var amount = Math.Round((decimal)Det.Between(800, 40_000, seed, Salt.Deal, index, 2) / 50m, 0) * 50m;
        var ageDays = (asOf - core.CreatedAt).TotalDays;
        var u = Det.Unit(seed, Salt.Deal, index, 3);
        // Older deals are more likely closed.
        var closedChance = Math.Min(0.85, ageDays / 90.0);
        string stage;
        if (u < closedChance * 0.6)
        {
            stage = "closedwon";
        }
        else if (u < closedChance)
        {
            stage = "closedlost";
        }
        else
        {
            stage = Stages[Det.Index(5, seed, Salt.Deal, index, 4)].Id;
        }

        var closeDate = stage is "closedwon" or "closedlost"
            ? Clamp(core.CreatedAt + TimeSpan.FromDays(Det.Between(3, 60, seed, Salt.Deal, index, 5)), core.UpdatedAt)
            : asOf + TimeSpan.FromDays(Det.Between(5, 90, seed, Salt.Deal, index, 5));
        return (amount, stage, closeDate);
    }

    private CrmRecordCore Record(CrmObjectType type, int index, DateTimeOffset created, bool archivable)
    {
        var salt = type switch { CrmObjectType.Contacts => Salt.Contact, CrmObjectType.Companies => Salt.Company, _ => Salt.Deal };
        var updated = created + TimeSpan.FromSeconds((asOf - created).TotalSeconds * Math.Pow(Det.Unit(seed, salt, index, 20), 2));
        var archived = archivable && Det.Unit(seed, salt, index, 21) < options.ArchivedDealShare;
        DateTimeOffset? archivedAt = archived ? updated + TimeSpan.FromSeconds((asOf - updated).TotalSeconds * Det.Unit(seed, salt, index, 22)) : null;
        return new CrmRecordCore(type, index, IdBase(type) + index, created, updated, archived, archivedAt);
    }

    private DateTimeOffset ContactCreated(int index)
    {
        var span = (asOf - firstContact).TotalSeconds;
        var slot = span / options.Contacts;
        return firstContact + TimeSpan.FromSeconds(Math.Floor((index * slot) + (Det.Unit(seed, Salt.Contact, index, 1) * slot * 0.9)));
    }

    private DateTimeOffset CompanyCreated(int index)
    {
        var start = firstContact.AddDays(-365);
        return start + TimeSpan.FromSeconds(Math.Floor((asOf - start).TotalSeconds * index / options.Companies));
    }

    private DateTimeOffset DealCreated(int index)
    {
        var contactCreated = ContactCreated(ContactOfDeal(index));
        return Clamp(contactCreated + TimeSpan.FromDays(Det.Between(0.5, 30, seed, Salt.Deal, index, 6)), asOf.AddHours(-1));
    }

    private Dictionary<string, string?> ContactProperties(int index)
    {
        var core = Core(CrmObjectType.Contacts, index);
        var first = FirstNames[Det.Index(FirstNames.Length, seed, Salt.Contact, index, 2)];
        var last = LastNames[Det.Index(LastNames.Length, seed, Salt.Contact, index, 3)];
        var company = CompanyName(CompanyOfContact(index));
        var (source, data1, data2) = ContactSource(index, core.CreatedAt);
        var stageIndex = Det.Index(Lifecycle.Length, seed, Salt.Contact, index, 4);
        var props = new Dictionary<string, string?>
        {
            ["email"] = string.Create(CultureInfo.InvariantCulture, $"{first}.{last}.{index}@{CompanyDomain(CompanyOfContact(index))}").ToLowerInvariant(),
            ["firstname"] = first,
            ["lastname"] = last,
            ["company"] = company,
            ["createdate"] = Iso(core.CreatedAt),
            ["lastmodifieddate"] = Iso(core.UpdatedAt),
            // Contacts carry hs_lastmodifieddate too, but it lags behind lastmodifieddate: filtering on it loses updates.
            ["hs_lastmodifieddate"] = Iso(Det.Unit(seed, Salt.Contact, index, 5) < 0.3 ? core.CreatedAt : core.UpdatedAt),
            ["hs_object_id"] = core.Id.ToString(CultureInfo.InvariantCulture),
            ["lifecyclestage"] = Lifecycle[stageIndex],
            ["hs_analytics_source"] = source,
            ["hs_analytics_source_data_1"] = data1,
            ["hs_analytics_source_data_2"] = data2,
            ["associatedcompanyid"] = (CompanyIdBase + CompanyOfContact(index)).ToString(CultureInfo.InvariantCulture),
            ["hs_lifecyclestage_lead_date"] = null,
            ["hs_lifecyclestage_marketingqualifiedlead_date"] = null,
            ["hs_lifecyclestage_salesqualifiedlead_date"] = null,
            ["hs_lifecyclestage_opportunity_date"] = null,
            ["hs_lifecyclestage_customer_date"] = null,
        };
        string[] dated = ["lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer"];
        var at = core.CreatedAt;
        for (var s = 1; s <= stageIndex; s++)
        {
            at = Clamp(at + TimeSpan.FromHours(Det.Between(1, 240, seed, Salt.Contact, index, 10 + s)), core.UpdatedAt);
            var key = "hs_lifecyclestage_" + dated[s - 1] + "_date";
            if (props.ContainsKey(key))
            {
                props[key] = Iso(s == 1 ? injections.MoveLead(at, TimeZoneInfo.FindSystemTimeZoneById(TimeZone), seed, index) : at);
            }
        }

        return props;
    }

    /// <summary>Original source of a contact, consistent with the campaigns running when it was created.</summary>
    public (string Source, string? Data1, string? Data2) ContactSource(int index, DateTimeOffset createdAt)
    {
        var day = DateOnly.FromDateTime(createdAt.UtcDateTime);
        var u = Det.Unit(seed, Salt.Contact, index, 6);
        if (u < 0.25)
        {
            var active = meta.Campaigns.Where(c => MetaWorld.IsActive(c, day)).ToList();
            if (active.Count > 0)
            {
                var campaign = active[Det.Index(active.Count, seed, Salt.Contact, index, 7)];
                return ("PAID_SOCIAL", Det.Unit(seed, Salt.Contact, index, 8) < 0.6 ? "facebook" : "instagram", campaign.Name);
            }
        }
        else if (u < 0.4)
        {
            var recent = mailchimp.Campaigns
                .Where(c => c.SendTime is { } t && day.DayNumber - DateOnly.FromDateTime(t.UtcDateTime).DayNumber is >= 0 and < 7)
                .ToList();
            if (recent.Count > 0)
            {
                return ("EMAIL_MARKETING", "mailchimp", recent[Det.Index(recent.Count, seed, Salt.Contact, index, 7)].UtmCampaign);
            }
        }
        else if (u < 0.5)
        {
            return ("PAID_SEARCH", "google", Det.Unit(seed, Salt.Contact, index, 8) < 0.5 ? "Search_Brand_DE" : "Search_Generic_DE");
        }
        else if (u < 0.6)
        {
            return ("DIRECT_TRAFFIC", null, null);
        }
        else if (u < 0.68)
        {
            return ("REFERRALS", "partner.example", null);
        }
        else if (u < 0.73)
        {
            return ("SOCIAL_MEDIA", "linkedin.com", null);
        }
        else if (u < 0.76)
        {
            return ("OFFLINE", "IMPORT", null);
        }

        return ("ORGANIC_SEARCH", "google", null);
    }

    private Dictionary<string, string?> CompanyProperties(int index)
    {
        var core = Core(CrmObjectType.Companies, index);
        return new Dictionary<string, string?>
        {
            ["name"] = CompanyName(index),
            ["domain"] = CompanyDomain(index),
            ["industry"] = Industries[Det.Index(Industries.Length, seed, Salt.Company, index, 2)],
            ["city"] = Det.Unit(seed, Salt.Company, index, 3) < 0.5 ? "Berlin" : "Hamburg",
            ["country"] = "Germany",
            ["numberofemployees"] = (5 + Det.Index(500, seed, Salt.Company, index, 4)).ToString(CultureInfo.InvariantCulture),
            ["createdate"] = Iso(core.CreatedAt),
            ["hs_lastmodifieddate"] = Iso(core.UpdatedAt),
            ["hs_object_id"] = core.Id.ToString(CultureInfo.InvariantCulture),
        };
    }

    private Dictionary<string, string?> DealProperties(int index)
    {
        var core = Core(CrmObjectType.Deals, index);
        var (amount, stage, closeDate) = DealFacts(index);
        var contact = ContactOfDeal(index);
        var props = new Dictionary<string, string?>
        {
            ["dealname"] = CompanyName(CompanyOfContact(contact)) + " - " + (Det.Unit(seed, Salt.Deal, index, 7) < 0.5 ? "Shop fit-out" : "Lighting plan"),
            ["amount"] = amount.ToString("0.##", CultureInfo.InvariantCulture),
            ["deal_currency_code"] = "EUR",
            ["dealstage"] = stage,
            ["pipeline"] = "default",
            ["createdate"] = Iso(core.CreatedAt),
            ["closedate"] = closeDate is { } c ? Iso(c) : null,
            ["hs_lastmodifieddate"] = Iso(core.UpdatedAt),
            ["hs_object_id"] = core.Id.ToString(CultureInfo.InvariantCulture),
            ["hs_is_closed"] = stage is "closedwon" or "closedlost" ? "true" : "false",
            ["hs_is_closed_won"] = stage == "closedwon" ? "true" : "false",
            ["hs_analytics_source"] = ContactSource(contact, Core(CrmObjectType.Contacts, contact).CreatedAt).Source,
        };
        var stageOrder = Stages.First(s => s.Id == stage).DisplayOrder;
        var entered = core.CreatedAt;
        foreach (var s in Stages)
        {
            var reached = s.Id == stage || (s.DisplayOrder < stageOrder && s.Id != "closedwon" && s.Id != "closedlost" && s.DisplayOrder < 5);
            if (reached)
            {
                props["hs_date_entered_" + s.Id] = Iso(s.Id == stage && closeDate is { } cd && cd <= asOf ? cd : entered);
                entered = Clamp(entered + TimeSpan.FromDays(2), core.UpdatedAt);
            }
        }

        return props;
    }

    private string CompanyName(int index) =>
        string.Create(CultureInfo.InvariantCulture, $"{LastNames[Det.Index(LastNames.Length, seed, Salt.Company, index, 1)]} & Co {index + 1}");

    private static string CompanyDomain(int index) => string.Create(CultureInfo.InvariantCulture, $"company{index + 1}.example.com");

    private static DateTimeOffset Clamp(DateTimeOffset value, DateTimeOffset max) => value > max ? max : value;

    /// <summary>HubSpot's ISO-8601 format with milliseconds and Z.</summary>
    public static string Iso(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
