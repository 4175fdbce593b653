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

    /// <summary>How far contacts got, a funnel rather than an even spread: most stay leads, few become customers.</summary>
    private static readonly double[] LifecycleShares = [0.15, 0.4, 0.2, 0.12, 0.07, 0.06];

    /// <summary>Share of deals that are reorders of an earlier deal's customer (repeat business), the rest new business.</summary>
    public const double ReorderShare = 0.42;

    /// <summary>Win rates: new business is won about one time in four, a reorder of a known customer more often.</summary>
    public const double NewBusinessWinRate = 0.24, ReorderWinRate = 0.45;

    private readonly WorldOptions options;
    private readonly long seed;
    private readonly DateTimeOffset asOf;
    private readonly DateTimeOffset firstContact;
    private readonly MetaWorld meta;
    private readonly MailchimpWorld mailchimp;
    private readonly Injections injections;

    // Cumulative new-contact weight at the end of each day from the first contact's day to the last day (seasonality and
    // weekdays): contact i is created where the cumulative weight reaches i / Contacts. One double per day, not per contact.
    private readonly double[] arrivals;

    // A reorder's parent deal lies 4 to 13 weeks of deal flow before it (in deal indexes, as deals follow contacts in time):
    // after the parent has closed, customers come back about once a quarter.
    private readonly int reorderLagMin, reorderLagMax;

    internal CrmWorld(WorldOptions options, DateTimeOffset asOf, MetaWorld meta, MailchimpWorld mailchimp)
    {
        this.options = options;
        this.asOf = asOf;
        this.meta = meta;
        this.mailchimp = mailchimp;
        injections = new Injections(options);
        seed = options.Seed;
        firstContact = new DateTimeOffset(options.StartDate.AddDays(-120).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var firstDay = options.StartDate.AddDays(-120);
        arrivals = new double[options.EndDate.DayNumber - firstDay.DayNumber + 1];
        var total = 0.0;
        for (var d = 0; d < arrivals.Length; d++)
        {
            // The world's "now" is 21:00 of its last day, so that day has only 21 hours of arrivals.
            total += Seasonality.Leads(firstDay.AddDays(d), options.StartDate) * (d == arrivals.Length - 1 ? 21 / 24.0 : 1);
            arrivals[d] = total;
        }

        var dealsPerDay = options.Deals / (double)arrivals.Length;
        reorderLagMin = Math.Max(1, (int)Math.Round(30 * dealsPerDay));
        reorderLagMax = Math.Max(reorderLagMin + 1, (int)Math.Round(90 * dealsPerDay));
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
        _ => Record(type, index, DealCreated(index), archivable: true, settled: DealDue(index)),
    };

    /// <summary>
    /// New companies keep arriving over the whole history: company j is founded by one contact (its first), spread
    /// evenly over the contacts (so over time, with the seasons), and takes that contact's original source. Every other
    /// contact joins one of the <see cref="JoinWindow"/> companies founded just before it (colleagues who get in touch
    /// within weeks). Arithmetic both ways, so the reverse lookup scans a bounded range. With more companies than
    /// contacts, contact i founds company i and the rest have no contacts.
    /// </summary>
    public int CompanyOfContact(int contactIndex)
    {
        if (!FoundersSpread)
        {
            return contactIndex % options.Companies;
        }

        var founded = CompaniesFoundedUpTo(contactIndex);
        if (Founder(founded - 1) == contactIndex)
        {
            return founded - 1;
        }

        return founded - 1 - Det.Index(Math.Min(founded, JoinWindow), seed, Salt.Contact, contactIndex, 40);
    }

    public IEnumerable<int> ContactsOfCompany(int companyIndex)
    {
        if (!FoundersSpread)
        {
            for (var i = companyIndex; i < options.Contacts; i += options.Companies)
            {
                yield return i;
            }

            yield break;
        }

        // Its founder, then the contacts up to the founder of the JoinWindow-th company after it that chose it.
        var from = Founder(companyIndex);
        var to = companyIndex + JoinWindow < options.Companies ? Founder(companyIndex + JoinWindow) : options.Contacts - 1;
        for (var i = from; i <= to; i++)
        {
            if (CompanyOfContact(i) == companyIndex)
            {
                yield return i;
            }
        }
    }

    /// <summary>How many of the latest companies a contact that founds none may join.</summary>
    public const int JoinWindow = 40;

    private bool FoundersSpread => options.Companies <= options.Contacts;

    /// <summary>The founding (first) contact of a company: its even slot among the contacts plus jitter inside the slot.</summary>
    private int Founder(int companyIndex)
    {
        var slot = (int)((long)companyIndex * options.Contacts / options.Companies);
        var width = options.Contacts / options.Companies;
        return companyIndex == 0 ? 0 : slot + Det.Index(width, seed, Salt.Company, companyIndex, 40);
    }

    /// <summary>The number of companies whose founder is at or before a contact (at least 1: company 0 is founded by contact 0).</summary>
    private int CompaniesFoundedUpTo(int contactIndex)
    {
        var j = (int)Math.Min(options.Companies - 1, (long)contactIndex * options.Companies / options.Contacts);
        while (j > 0 && Founder(j) > contactIndex)
        {
            j--;
        }

        while (j + 1 < options.Companies && Founder(j + 1) <= contactIndex)
        {
            j++;
        }

        return j + 1;
    }

    /// <summary>
    /// The contact of a deal: new business comes from the contact whose slot the deal takes (deals spread evenly over
    /// contacts, later deals to later contacts, with some jitter); a reorder comes from the contact of its parent deal.
    /// </summary>
    public int ContactOfDeal(int dealIndex)
    {
        var k = dealIndex;
        while (ReorderOf(k) is { } parent)
        {
            k = parent;
        }

        return SlotContact(k);
    }

    /// <summary>
    /// The earlier won deal a reorder repeats the customer of (4 to 13 weeks of deal flow before it), or null for new
    /// business. Arithmetic on the index (a few hashed tries for a parent that is won whatever its kind), so the
    /// reverse lookup in <see cref="DealsOfContact"/> scans a bounded range and nothing recurses.
    /// </summary>
    public int? ReorderOf(int dealIndex)
    {
        if (Det.Unit(seed, Salt.Deal, dealIndex, 30) >= ReorderShare)
        {
            return null;
        }

        for (var attempt = 0; attempt < 6; attempt++)
        {
            var parent = dealIndex - reorderLagMin - Det.Index(reorderLagMax - reorderLagMin + 1, seed, Salt.Deal, dealIndex, 31, attempt);
            if (parent >= 0 && SurelyWon(parent))
            {
                return parent;
            }
        }

        return null;
    }

    /// <summary>Won once closed, new business or reorder alike (its outcome draw is below both win rates).</summary>
    private bool SurelyWon(int dealIndex) => Det.Unit(seed, Salt.Deal, dealIndex, 3) < Math.Min(NewBusinessWinRate, ReorderWinRate);

    public IEnumerable<int> DealsOfContact(int contactIndex)
    {
        var bucket = Math.Max(1, options.Contacts / options.Deals);
        var first = Math.Max(0, (int)((long)(contactIndex - bucket) * options.Deals / options.Contacts) - 1);
        var last = Math.Min(options.Deals - 1, (int)((long)(contactIndex + 1) * options.Deals / options.Contacts) + 1);
        var pending = new Stack<int>();
        for (var k = first; k <= last; k++)
        {
            if (ReorderOf(k) is null && SlotContact(k) == contactIndex)
            {
                pending.Push(k);
            }
        }

        // Then every reorder descending from those deals, generation by generation.
        var deals = new List<int>();
        while (pending.TryPop(out var deal))
        {
            deals.Add(deal);
            for (var k = deal + reorderLagMin; k <= Math.Min(options.Deals - 1, deal + reorderLagMax); k++)
            {
                if (ReorderOf(k) == deal)
                {
                    pending.Push(k);
                }
            }
        }

        deals.Sort();
        return deals;
    }

    private int SlotContact(int dealIndex)
    {
        var bucket = Math.Max(1, options.Contacts / options.Deals);
        var index = (int)((long)dealIndex * options.Contacts / options.Deals) + Det.Index(bucket, seed, Salt.Deal, dealIndex, 1);
        return Math.Min(index, options.Contacts - 1);
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

    /// <summary>
    /// Deal facts for ground truth and the deal properties, as one record. A sales cycle decides the outcome: a deal
    /// closes 2 to 8 weeks after it was created (a reorder 1 to 4), won or lost, and is open until then, in the stage
    /// its progress through the cycle has reached (its close date is the expected one). So the latest weeks hold open
    /// deals while a month whose deals have all closed never changes again.
    /// </summary>
    public (decimal Amount, string Stage, DateTimeOffset? CloseDate) DealFacts(int index)
    {
        var core = Core(CrmObjectType.Deals, index);
        var reorder = ReorderOf(index) is not null;
        // Log-uniform order values: many small orders, a few large fit-outs (reorders a little smaller).
        var (low, high) = reorder ? (130.0, 1_500.0) : (180.0, 2_200.0);
        var value = low * Math.Pow(high / low, Det.Unit(seed, Salt.Deal, index, 2));
        var amount = Math.Max(50m, Math.Round((decimal)value / 50m, 0) * 50m);
        var due = DealDue(index);
        string stage;
        if (due <= asOf)
        {
            stage = Det.Unit(seed, Salt.Deal, index, 3) < (reorder ? ReorderWinRate : NewBusinessWinRate) ? "closedwon" : "closedlost";
        }
        else
        {
            var progress = (asOf - core.CreatedAt) / (due - core.CreatedAt);
            stage = Stages[Math.Clamp((int)(progress * 5), 0, 4)].Id;
        }

        return (amount, stage, due);
    }

    /// <summary>When a deal closes (or is expected to): its sales cycle after creation.</summary>
    private DateTimeOffset DealDue(int index)
    {
        var cycleDays = ReorderOf(index) is null ? Det.Between(14, 56, seed, Salt.Deal, index, 5) : Det.Between(7, 28, seed, Salt.Deal, index, 5);
        return DealCreated(index) + TimeSpan.FromDays(cycleDays);
    }

    private CrmRecordCore Record(CrmObjectType type, int index, DateTimeOffset created, bool archivable, DateTimeOffset? settled = null)
    {
        var salt = type switch { CrmObjectType.Contacts => Salt.Contact, CrmObjectType.Companies => Salt.Company, _ => Salt.Deal };
        // A closed deal was last modified when it closed or later.
        var from = settled is { } s && s > created && s <= asOf ? s : created;
        var updated = from + TimeSpan.FromSeconds((asOf - from).TotalSeconds * Math.Pow(Det.Unit(seed, salt, index, 20), 2));
        var archived = archivable && Det.Unit(seed, salt, index, 21) < options.ArchivedDealShare;
        DateTimeOffset? archivedAt = archived ? updated + TimeSpan.FromSeconds((asOf - updated).TotalSeconds * Det.Unit(seed, salt, index, 22)) : null;
        return new CrmRecordCore(type, index, IdBase(type) + index, created, updated, archived, archivedAt);
    }

    /// <summary>Contacts arrive with the seasons and the weekdays (<see cref="Seasonality"/>), in index order.</summary>
    private DateTimeOffset ContactCreated(int index)
    {
        var target = (index + (Det.Unit(seed, Salt.Contact, index, 1) * 0.9)) / options.Contacts * arrivals[^1];
        var day = Array.BinarySearch(arrivals, target);
        day = Math.Min(day < 0 ? ~day : day, arrivals.Length - 1);
        var before = day == 0 ? 0 : arrivals[day - 1];
        var share = Math.Clamp((target - before) / (arrivals[day] - before), 0, 1);
        var hours = day == arrivals.Length - 1 ? 21 : 24;
        return firstContact + TimeSpan.FromSeconds(Math.Floor((day * 86_400.0) + (share * hours * 3_600)));
    }

    /// <summary>A company is created with its founding contact (HubSpot creates it from the contact's email domain).</summary>
    private DateTimeOffset CompanyCreated(int index)
    {
        if (FoundersSpread)
        {
            return Clamp(ContactCreated(Founder(index)) + TimeSpan.FromSeconds(Det.Between(1, 600, seed, Salt.Company, index, 41)), asOf);
        }

        var start = firstContact.AddDays(-365);
        return start + TimeSpan.FromSeconds(Math.Floor((asOf - start).TotalSeconds * index / options.Companies));
    }

    /// <summary>
    /// A deal is created within two weeks of the contact of its slot: new business from that new contact, a reorder
    /// at the same time from a customer of weeks before, so deal flow follows the seasons either way.
    /// </summary>
    private DateTimeOffset DealCreated(int index)
    {
        var slotCreated = ContactCreated(SlotContact(index));
        return Clamp(slotCreated + TimeSpan.FromDays(Det.Between(0.2, 14, seed, Salt.Deal, index, 6)), asOf.AddHours(-1));
    }

    private Dictionary<string, string?> ContactProperties(int index)
    {
        var core = Core(CrmObjectType.Contacts, index);
        var first = FirstNames[Det.Index(FirstNames.Length, seed, Salt.Contact, index, 2)];
        var last = LastNames[Det.Index(LastNames.Length, seed, Salt.Contact, index, 3)];
        var company = CompanyName(CompanyOfContact(index));
        var (source, data1, data2) = ContactSource(index, core.CreatedAt);
        var stageIndex = Pick(LifecycleShares, Det.Unit(seed, Salt.Contact, index, 4));
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
            ["hs_analytics_first_url"] = ContactFirstUrl(source, data1, data2),
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

    /// <summary>
    /// How contacts first found the business, as shares of the founding contacts of new companies and of the contacts
    /// that join a known company; the rest is organic search. New companies mostly find the business through its ads
    /// and search, colleagues of a known company through a newsletter, a bookmark or a referral. With 3 of 8 contacts
    /// founding a company (the demo), about a quarter of all contacts are Paid Social, as Meta's lead counts expect.
    /// </summary>
    private static readonly (string Source, double Founder, double Joiner)[] SourceMix =
    [
        ("PAID_SOCIAL", 0.30, 0.22), ("EMAIL_MARKETING", 0.05, 0.20), ("PAID_SEARCH", 0.18, 0.06), ("DIRECT_TRAFFIC", 0.07, 0.14),
        ("REFERRALS", 0.08, 0.08), ("SOCIAL_MEDIA", 0.06, 0.04), ("OFFLINE", 0.04, 0.02),
    ];

    /// <summary>
    /// Original source of a contact, consistent with the campaigns running when it was created. The campaigns that run
    /// from the world's first day were running before it too (the business advertised before the pipeline loaded it),
    /// so paid social also acquired the CRM's earlier contacts; Google Ads search did throughout.
    /// </summary>
    public (string Source, string? Data1, string? Data2) ContactSource(int index, DateTimeOffset createdAt)
    {
        var day = DateOnly.FromDateTime(createdAt.UtcDateTime);
        var u = Det.Unit(seed, Salt.Contact, index, 6);
        var founder = IsFounder(index);
        var source = "ORGANIC_SEARCH";
        foreach (var (candidate, founderShare, joinerShare) in SourceMix)
        {
            var share = founder ? founderShare : joinerShare;
            if (u < share)
            {
                source = candidate;
                break;
            }

            u -= share;
        }

        switch (source)
        {
            case "PAID_SOCIAL":
                var active = meta.Campaigns.Where(c => MetaWorld.IsActive(c, day) || (day < options.StartDate && c.StartDate == options.StartDate)).ToList();
                if (active.Count > 0)
                {
                    // HubSpot's ads tracking puts the ad id, not the campaign, in drill-down 2 of paid social; the campaign
                    // travels in the landing page's utm_campaign (ContactFirstUrl).
                    var campaign = active[Det.Index(active.Count, seed, Salt.Contact, index, 7)];
                    var ads = meta.AdsByCampaign[campaign.Id];
                    return ("PAID_SOCIAL", Det.Unit(seed, Salt.Contact, index, 8) < 0.6 ? "facebook" : "instagram", ads[Det.Index(ads.Count, seed, Salt.Contact, index, 9)].Id);
                }

                break;
            case "EMAIL_MARKETING":
                var recent = mailchimp.Campaigns
                    .Where(c => c.SendTime is { } t && day.DayNumber - DateOnly.FromDateTime(t.UtcDateTime).DayNumber is >= 0 and < 7)
                    .ToList();
                if (recent.Count > 0)
                {
                    // Email marketing: drill-down 1 is the link's utm_campaign, drill-down 2 a HubSpot email name (none: Mailchimp).
                    return ("EMAIL_MARKETING", recent[Det.Index(recent.Count, seed, Salt.Contact, index, 7)].UtmCampaign, null);
                }

                break;
            case "PAID_SEARCH":
                // Paid search: drill-down 1 is the utm_campaign, drill-down 2 the search term.
                return Det.Unit(seed, Salt.Contact, index, 8) < 0.5 ? ("PAID_SEARCH", "Search_Brand_DE", "nordlicht leuchten") : ("PAID_SEARCH", "Search_Generic_DE", "led pendelleuchte");
            case "DIRECT_TRAFFIC":
                return ("DIRECT_TRAFFIC", null, null);
            case "REFERRALS":
                return ("REFERRALS", "partner.example", null);
            case "SOCIAL_MEDIA":
                return ("SOCIAL_MEDIA", "linkedin.com", null);
            case "OFFLINE":
                return ("OFFLINE", "IMPORT", null);
        }

        return ("ORGANIC_SEARCH", "google", null);
    }

    private bool IsFounder(int contactIndex) =>
        FoundersSpread ? Founder(CompaniesFoundedUpTo(contactIndex) - 1) == contactIndex : contactIndex < options.Companies;

    /// <summary>
    /// The page a contact first landed on: tagged links carry utm_source/utm_medium/utm_campaign (paid social: the
    /// Meta campaign of the ad in drill-down 2; email and paid search: the campaign in drill-down 1).
    /// </summary>
    private string ContactFirstUrl(string source, string? data1, string? data2)
    {
        const string Site = "https://www.nordlicht-leuchten.example/";
        string? campaign = source switch
        {
            "PAID_SOCIAL" => meta.Ads.FirstOrDefault(a => a.Id == data2)?.Campaign.Name,
            "EMAIL_MARKETING" or "PAID_SEARCH" => data1,
            _ => null,
        };
        var (utmSource, medium) = source switch
        {
            "PAID_SOCIAL" => (data1, "paid"),
            "EMAIL_MARKETING" => ("mailchimp", "email"),
            _ => ("google", "cpc"),
        };
        return campaign is null ? Site : $"{Site}lp?utm_source={utmSource}&utm_medium={medium}&utm_campaign={campaign}";
    }

    /// <summary>A company's original source and drill-downs are its first contact's (HubSpot copies them from the earliest associated contact).</summary>
    private (string? Source, string? Data1, string? Data2) CompanySource(int index) =>
        FoundersSpread ? ContactSource(Founder(index), ContactCreated(Founder(index)))
        : index < options.Contacts ? ContactSource(index, ContactCreated(index)) : (null, null, null);

    private Dictionary<string, string?> CompanyProperties(int index)
    {
        var core = Core(CrmObjectType.Companies, index);
        var (source, data1, data2) = CompanySource(index);
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
            ["hs_analytics_source"] = source,
            ["hs_analytics_source_data_1"] = data1,
            ["hs_analytics_source_data_2"] = data2,
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

    private static int Pick(double[] shares, double u)
    {
        for (var i = 0; i < shares.Length; i++)
        {
            if (u < shares[i])
            {
                return i;
            }

            u -= shares[i];
        }

        return shares.Length - 1;
    }

    /// <summary>HubSpot's ISO-8601 format with milliseconds and Z.</summary>
    public static string Iso(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
