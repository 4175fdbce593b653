namespace Pipeline.Sandbox.World;

/// <summary>
/// The smallest unit of GA4 traffic the world generates: one traffic source on one day. Reports aggregate these;
/// users are distinct counts, so aggregating them is not a sum (see <see cref="Ga4Aggregate"/>).
/// </summary>
public sealed record Ga4Segment(
    DateOnly Date, string Channel, string Source, string Medium, string Campaign, string Device, string Country, string LandingPage,
    long Sessions, long EngagedSessions, long ScreenPageViews, long UserEngagementSeconds, long KeyEvents, long Transactions,
    long PurchaseRevenueCents, long TotalRevenueCents, long TotalUsers, long NewUsers, long ActiveUsers);

/// <summary>GA4 property traffic derived day by day from the rest of the business.</summary>
public sealed class Ga4World
{
    /// <summary>GA4 keeps processing (and changing) the most recent days.</summary>
    public const int RestatementDays = 3;

    private static readonly double[] WeekdayFactor = [0.8, 1.05, 1.08, 1.06, 1.02, 0.97, 0.82];
    private static readonly string[] Devices = ["desktop", "mobile", "tablet"];
    private static readonly double[] DeviceShares = [0.45, 0.5, 0.05];
    private static readonly string[] Countries = ["Germany", "Austria", "Switzerland", "Netherlands", "United States", "United Kingdom"];
    private static readonly double[] CountryShares = [0.62, 0.14, 0.1, 0.05, 0.06, 0.03];
    private static readonly string[] Pages = ["/", "/pricing", "/products/lamp-aurora", "/products/lamp-polaris", "/products/candle-set", "/blog/winter-light", "/blog/hygge-guide", "/about", "/contact", "/sale"];

    // Random traffic: channel, source, medium, campaign, share.
    private static readonly (string Channel, string Source, string Medium, string Campaign, double Share)[] RandomTraffic =
    [
        ("Organic Search", "google", "organic", "(organic)", 0.3),
        ("Organic Search", "bing", "organic", "(organic)", 0.05),
        ("Direct", "(direct)", "(none)", "(direct)", 0.22),
        ("Paid Search", "google", "cpc", "Search_Brand_DE", 0.09),
        ("Paid Search", "google", "cpc", "Search_Generic_DE", 0.07),
        ("Referral", "partner.example", "referral", "(referral)", 0.1),
        ("Organic Social", "l.facebook.com", "referral", "(referral)", 0.08),
        ("Organic Social", "linkedin.com", "referral", "(referral)", 0.09),
    ];

    private static readonly double[] RandomTrafficShares = RandomTraffic.Select(x => x.Share).ToArray();

    private readonly WorldOptions options;
    private readonly long seed;
    private readonly MetaWorld meta;
    private readonly MailchimpWorld mailchimp;
    private readonly Injections injections;

    internal Ga4World(WorldOptions options, MetaWorld meta, MailchimpWorld mailchimp)
    {
        this.options = options;
        this.meta = meta;
        this.mailchimp = mailchimp;
        injections = new Injections(options);
        seed = options.Seed;
        PropertyId = Det.Digits(9, seed, Salt.Ga4Property, 0);
    }

    public string PropertyId { get; }
    public string TimeZone => "Europe/Berlin";
    public string CurrencyCode => "EUR";

    /// <summary>When the property was created (Admin API <c>createTime</c>): two weeks before the world's first day.</summary>
    public DateTimeOffset CreateTime => new(options.StartDate.AddDays(-14).ToDateTime(new TimeOnly(10, 21, 33, 125)), TimeSpan.Zero);

    /// <summary>
    /// The date GA4's relative dates (today, yesterday, NdaysAgo) count from: today in the property's time zone when
    /// the world follows the wall clock, else the pinned world's last day.
    /// </summary>
    public DateOnly Today(DateTimeOffset now) =>
        options.FollowsWallClock
            ? DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, TimeZoneInfo.FindSystemTimeZoneById(TimeZone)).DateTime)
            : options.EndDate;

    /// <summary>All traffic of one day as reported at the given read generation; empty outside the world's range and on the outage day.</summary>
    public IReadOnlyList<Ga4Segment> Segments(DateOnly day, int generation)
    {
        var result = new List<Ga4Segment>(options.Ga4SegmentsPerDay + 32);
        // The tracking outage day has no GA4 data at all: every report over it is empty.
        if (day < options.StartDate || day > options.EndDate || day == options.Ga4OutageDate)
        {
            return result;
        }

        var age = options.EndDate.DayNumber - day.DayNumber;
        var slot = 0;

        // Paid social: landing page views from Meta become GA4 sessions tagged with the Meta campaign name.
        foreach (var campaign in meta.Campaigns)
        {
            if (!MetaWorld.IsActive(campaign, day))
            {
                continue;
            }

            long landingPageViews = 0;
            foreach (var ad in meta.AdsByCampaign[campaign.Id])
            {
                landingPageViews += meta.AdDay(ad, day, 0).LandingPageViews;
            }

            var sessions = MetaWorld.Split(Det.Round(landingPageViews * 0.92), [0.42, 0.13, 0.36, 0.09]);
            var country = meta.FindAccount(campaign.AccountId)!.Index == 0 ? "Germany" : "United States";
            string[] sources = ["facebook", "facebook", "instagram", "instagram"];
            string[] devices = ["mobile", "desktop", "mobile", "desktop"];
            for (var i = 0; i < 4; i++)
            {
                var page = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"/lp/{campaign.Name.ToLowerInvariant()}?utm_source={sources[i]}&utm_medium=paid&utm_campaign={campaign.Name}");
                Add(result, day, slot++, age, generation, "Paid Social", sources[i], "paid", campaign.Name, devices[i], country, page, sessions[i]);
            }
        }

        // Email: clicks of a Mailchimp campaign arrive on the send day and the following days.
        foreach (var campaign in mailchimp.Campaigns)
        {
            if (campaign.SendTime is not { } sendTime)
            {
                continue;
            }

            var clicks = mailchimp.FinalClicksOnDay(campaign, day.DayNumber - DateOnly.FromDateTime(sendTime.UtcDateTime).DayNumber);
            if (clicks == 0)
            {
                continue;
            }

            var sessions = MetaWorld.Split(Det.Round(clicks * 1.15), [0.6, 0.4]);
            var page = "/newsletter?utm_source=mailchimp&utm_medium=email&utm_campaign=" + campaign.UtmCampaign;
            Add(result, day, slot++, age, generation, "Email", "mailchimp", "email", campaign.UtmCampaign, "mobile", "Germany", page, sessions[0]);
            Add(result, day, slot++, age, generation, "Email", "mailchimp", "email", campaign.UtmCampaign, "desktop", "Germany", page, sessions[1]);
        }

        // The business's season and growth (Seasonality); an SME's site: some hundreds of sessions a day.
        var trend = Seasonality.Level(day, options.StartDate);
        var weekday = WeekdayFactor[(int)day.DayOfWeek];
        for (var i = 0; i < options.Ga4SegmentsPerDay; i++)
        {
            long key = i;
            var traffic = RandomTraffic[Pick(RandomTrafficShares, Det.Unit(seed, Salt.Ga4Segment, day.DayNumber, key, 1))];
            var device = Devices[Pick(DeviceShares, Det.Unit(seed, Salt.Ga4Segment, day.DayNumber, key, 2))];
            var country = Countries[Pick(CountryShares, Det.Unit(seed, Salt.Ga4Segment, day.DayNumber, key, 3))];
            var page = Pages[Det.Index(Pages.Length, seed, Salt.Ga4Segment, day.DayNumber, key, 4)];
            if (traffic.Medium == "cpc" || options.Ga4UniqueLandingPages)
            {
                // Click ids make landing pages with query strings nearly unique: the classic (other)-row trigger.
                page += "?gclid=Cj0K" + Det.Hex(12, seed, Salt.Ga4Segment, (day.DayNumber * 100_000L) + key);
            }

            // Paid search segments are frequent (so each search campaign has clicks every day) but small: an SME's budget.
            var volume = traffic.Medium == "cpc" ? 0.35 : 1.0;
            var sessions = Math.Max(1, Det.Round(Det.Between(3, 45, seed, Salt.Ga4Segment, day.DayNumber, key, 5) * weekday * trend * volume));
            Add(result, day, slot++, age, generation, traffic.Channel, traffic.Source, traffic.Medium, traffic.Campaign, device, country, page, sessions);
        }

        return result;
    }

    private void Add(
        List<Ga4Segment> into, DateOnly day, int slot, int age, int generation,
        string channel, string source, string medium, string campaign, string device, string country, string page, long sessions)
    {
        long key = (day.DayNumber * 1_000_000L) + slot;
        sessions = injections.Scale(InjectedAnomaly.Ga4Sessions, day, sessions);
        if (generation > 0 && age >= 0 && age < RestatementDays)
        {
            // Processing latency: the freshest days keep growing with every read generation.
            sessions += generation * (1 + (long)(Det.Hash(seed, Salt.Ga4Restate, key) % 2));
        }

        if (sessions <= 0)
        {
            return;
        }

        double R(double min, double max, int what) => Det.Between(min, max, seed, Salt.Ga4Ratio, key, what);
        var engaged = Det.Round(sessions * R(0.5, 0.75, 1));
        var transactions = Det.Round(sessions * R(0.004, 0.02, 2));
        var purchaseRevenue = Det.Round(transactions * R(4_500, 13_000, 3));
        var users = Math.Max(1, Det.Round(sessions * R(0.72, 0.9, 4)));
        into.Add(new Ga4Segment(
            day, channel, source, medium, campaign, device, country, page, sessions, engaged,
            Det.Round(sessions * R(1.8, 4.2, 5)), Det.Round(engaged * R(35, 140, 6)), injections.Scale(InjectedAnomaly.Ga4KeyEvents, day, Det.Round(sessions * R(0.01, 0.06, 7))),
            transactions, purchaseRevenue, purchaseRevenue + Det.Round(sessions * R(0, 30, 8)),
            users, Det.Round(users * R(0.55, 0.85, 9)), Math.Min(users, Det.Round(users * R(0.93, 1.0, 10)))));
    }

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
}

/// <summary>
/// Sums additive GA4 metrics and estimates distinct users: merging traffic overlaps users, so the merged count is
/// smaller than the sum of its parts (but never smaller than its largest part).
/// </summary>
internal sealed class Ga4Aggregate
{
    public long Sessions, EngagedSessions, ScreenPageViews, UserEngagementSeconds, KeyEvents, Transactions, PurchaseRevenueCents, TotalRevenueCents;
    public long AdCostCents, AdClicks, AdImpressions;
    private long userSum, newUserSum, activeUserSum, userMax, newUserMax, activeUserMax, parts;

    public void Add(Ga4Segment s)
    {
        Sessions += s.Sessions;
        EngagedSessions += s.EngagedSessions;
        ScreenPageViews += s.ScreenPageViews;
        UserEngagementSeconds += s.UserEngagementSeconds;
        KeyEvents += s.KeyEvents;
        Transactions += s.Transactions;
        PurchaseRevenueCents += s.PurchaseRevenueCents;
        TotalRevenueCents += s.TotalRevenueCents;
        userSum += s.TotalUsers;
        newUserSum += s.NewUsers;
        activeUserSum += s.ActiveUsers;
        userMax = Math.Max(userMax, s.TotalUsers);
        newUserMax = Math.Max(newUserMax, s.NewUsers);
        activeUserMax = Math.Max(activeUserMax, s.ActiveUsers);
        parts++;
    }

    /// <summary>Linked Google Ads delivery: plain sums, no users.</summary>
    public void Add(GoogleAdsCampaignDay d)
    {
        AdCostCents += d.CostCents;
        AdClicks += d.Clicks;
        AdImpressions += d.Impressions;
    }

    public long TotalUsers => Distinct(userSum, userMax);
    public long NewUsers => Math.Min(TotalUsers, Distinct(newUserSum, newUserMax));
    public long ActiveUsers => Math.Min(TotalUsers, Distinct(activeUserSum, activeUserMax));

    private long Distinct(long sum, long max) =>
        parts <= 1 ? sum : Math.Max(max, Det.Round(sum / (1 + (0.12 * Math.Log(parts)))));
}
