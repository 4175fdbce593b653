using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Pipeline.Sandbox.World;

public sealed record MailchimpList(string Id, int WebId, string Name, DateTimeOffset DateCreated, int MemberTotal, int Index);

public sealed record MailchimpCampaign(
    string Id, int WebId, MailchimpList List, string Title, string SubjectLine, string Status,
    DateTimeOffset CreateTime, DateTimeOffset? SendTime, long EmailsSent, int Index)
{
    /// <summary>utm_campaign Mailchimp appends to links; it is what GA4 shows as sessionCampaignName.</summary>
    public string UtmCampaign => Title.ToLowerInvariant().Replace(' ', '_').Replace("#", "", StringComparison.Ordinal);
}

public sealed record MailchimpMember(
    string Id, string EmailAddress, string FirstName, string LastName, string Status, DateTimeOffset TimestampOpt,
    DateTimeOffset LastChanged, string Source, double AverageOpenRate, double AverageClickRate, int Rating, int Index);

/// <summary>Stats of a sent campaign as Mailchimp reports them at one read generation.</summary>
public sealed record MailchimpReportStats(
    long EmailsSent, long HardBounces, long SoftBounces, long AbuseReports, long Unsubscribed,
    long OpensTotal, long UniqueOpens, long ClicksTotal, long UniqueClicks, long UniqueSubscriberClicks,
    long TotalOrders, long TotalRevenueCents, DateTimeOffset? LastOpen, DateTimeOffset? LastClick)
{
    public long Delivered => EmailsSent - HardBounces - SoftBounces;
    public double OpenRate => Delivered == 0 ? 0 : (double)UniqueOpens / Delivered;
    public double ClickRate => Delivered == 0 ? 0 : (double)UniqueSubscriberClicks / Delivered;

    /// <summary>
    /// Opens without Apple Mail Privacy Protection prefetches (<c>opens.proxy_excluded_opens</c>); null when the
    /// report lacks the key (campaigns sent before Mailchimp counted them).
    /// </summary>
    public long? ProxyExcludedOpens { get; init; }

    /// <summary>Unique opens without MPP prefetches (<c>opens.proxy_excluded_unique_opens</c>); null when absent.</summary>
    public long? ProxyExcludedUniqueOpens { get; init; }

    /// <summary><c>opens.proxy_excluded_open_rate</c>: human unique opens per delivered email, a fraction; null when absent.</summary>
    public double? ProxyExcludedOpenRate => ProxyExcludedUniqueOpens is not { } human ? null : Delivered == 0 ? 0 : (double)human / Delivered;
}

/// <summary>One Mailchimp account: lists, their members (derived per index, never stored) and campaigns.</summary>
public sealed class MailchimpWorld
{
    /// <summary>Opens and clicks keep accruing for this many days after a send.</summary>
    public const int AccrualDays = 30;

    /// <summary>
    /// Apple Mail Privacy Protection shipped with iOS 15; reports of campaigns sent earlier carry no
    /// <c>proxy_excluded_*</c> keys. The world's first sent campaign lacks them too (an account that sent before
    /// Mailchimp counted them), so every world has one such report whatever its dates.
    /// </summary>
    public static readonly DateTimeOffset ProxyExclusionStart = new(2021, 9, 20, 0, 0, 0, TimeSpan.Zero);

    private static readonly string[] FirstNames = ["Anna", "Ben", "Clara", "David", "Emma", "Felix", "Greta", "Hannah", "Jonas", "Lena", "Max", "Mia", "Noah", "Paul", "Sophie", "Tom"];
    private static readonly string[] LastNames = ["Becker", "Fischer", "Hoffmann", "Klein", "Koch", "Meyer", "Müller", "Richter", "Schmidt", "Schneider", "Schulz", "Wagner", "Weber", "Wolf"];
    private static readonly string[] Domains = ["example.com", "example.org", "example.net", "mail.example.de"];
    private static readonly string[] Sources = ["Hosted Signup Form", "API - Generic", "Import", "Embedded Form"];
    private static readonly string[] Statuses = ["subscribed", "unsubscribed", "cleaned", "pending", "transactional"];
    private static readonly double[] StatusShares = [0.85, 0.08, 0.04, 0.02, 0.01];

    /// <summary>How a campaign's final clicks spread over the days after sending (also drives GA4 Email sessions).</summary>
    internal static readonly double[] ClickDayShares = [0.55, 0.2, 0.1, 0.06, 0.04, 0.03, 0.02];

    private readonly long seed;
    private readonly DateTimeOffset asOf;
    private readonly Dictionary<string, MailchimpCampaign> campaignsById;
    private readonly Dictionary<string, MailchimpList> listsById;
    private readonly ConcurrentDictionary<(int List, string Status), int> memberCounts = new();

    internal MailchimpWorld(WorldOptions options, DateTimeOffset asOf)
    {
        this.asOf = asOf;
        seed = options.Seed;
        var lists = new List<MailchimpList>();
        for (var l = 0; l < options.MailchimpLists; l++)
        {
            var created = new DateTimeOffset(options.StartDate.AddDays(-365 - (l * 30)).ToDateTime(new TimeOnly(9, 30)), TimeSpan.Zero);
            lists.Add(new MailchimpList(
                Det.Hex(10, seed, Salt.MailList, l),
                (int)(100_000 + (Det.Hash(seed, Salt.MailList, l, 1) % 900_000)),
                l == 0 ? "Nordlicht Newsletter" : "Nordlicht Customers",
                created,
                l == 0 ? options.MailchimpMembersPerList : Math.Max(10, options.MailchimpMembersPerList / 2),
                l));
        }

        Lists = lists;
        listsById = lists.ToDictionary(x => x.Id);

        // Two unsent campaigns (a draft and a scheduled one) exercise status filters.
        var unsent = options.MailchimpCampaigns >= 3 ? 2 : 0;
        var sentCount = options.MailchimpCampaigns - unsent;
        var campaigns = new List<MailchimpCampaign>();
        for (var k = 0; k < options.MailchimpCampaigns; k++)
        {
            var list = lists[k % lists.Count];
            var title = list.Index == 0
                ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Newsletter {k + 1:000}")
                : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Customer Update {k + 1:000}");
            DateTimeOffset? sendTime = null;
            DateTimeOffset createTime;
            string status;
            long emailsSent = 0;
            if (k < sentCount)
            {
                var offset = (int)Math.Round((k + 0.5) * Math.Max(1, options.Days - 3) / sentCount);
                var sendDay = options.StartDate.AddDays(offset);
                sendTime = new DateTimeOffset(sendDay.ToDateTime(new TimeOnly(8 + (k % 3), 0)), TimeSpan.Zero);
                createTime = sendTime.Value.AddDays(-2).AddHours(-3);
                status = "sent";
                emailsSent = Det.Round(SubscribedAt(list, sendTime.Value));
            }
            else
            {
                createTime = asOf.AddDays(-1 - (k - sentCount));
                status = k - sentCount == 0 ? "save" : "schedule";
            }

            campaigns.Add(new MailchimpCampaign(
                Det.Hex(10, seed, Salt.MailCampaign, k),
                (int)(1_000_000 + (Det.Hash(seed, Salt.MailCampaign, k, 1) % 9_000_000)),
                list,
                title,
                list.Index == 0 ? "News from Nordlicht #" + (k + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) : "Your Nordlicht update",
                status,
                createTime,
                sendTime,
                emailsSent,
                k));
        }

        Campaigns = campaigns;
        campaignsById = campaigns.ToDictionary(x => x.Id);
    }

    public IReadOnlyList<MailchimpList> Lists { get; }
    public IReadOnlyList<MailchimpCampaign> Campaigns { get; }

    public MailchimpList? FindList(string id) => listsById.GetValueOrDefault(id);
    public MailchimpCampaign? FindCampaign(string id) => campaignsById.GetValueOrDefault(id);

    /// <summary>Members opt in evenly between the list's creation and the world's "now".</summary>
    public DateTimeOffset OptInTime(MailchimpList list, int index)
    {
        var span = asOf - list.DateCreated;
        return list.DateCreated + TimeSpan.FromSeconds(Math.Floor(span.TotalSeconds * index / list.MemberTotal));
    }

    /// <summary>The facts member filters need, without building the member (cheap enough to scan millions).</summary>
    public (string Status, DateTimeOffset LastChanged) MemberStatus(MailchimpList list, int index)
    {
        long key = (list.Index * 100_000_000L) + index;
        var optIn = OptInTime(list, index);
        return (PickStatus(Det.Unit(seed, Salt.MailMember, key, 4)),
            optIn + TimeSpan.FromSeconds((asOf - optIn).TotalSeconds * Math.Pow(Det.Unit(seed, Salt.MailMember, key, 5), 3)));
    }

    public MailchimpMember Member(MailchimpList list, int index)
    {
        long key = (list.Index * 100_000_000L) + index;
        var first = FirstNames[Det.Index(FirstNames.Length, seed, Salt.MailMember, key, 1)];
        var last = LastNames[Det.Index(LastNames.Length, seed, Salt.MailMember, key, 2)];
        var email = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{first}.{last}{index}@{Domains[Det.Index(Domains.Length, seed, Salt.MailMember, key, 3)]}").ToLowerInvariant();
        var optIn = OptInTime(list, index);
        var (status, lastChanged) = MemberStatus(list, index);
        return new MailchimpMember(
            SubscriberHash(email), email, first, last, status, optIn, lastChanged,
            Sources[Det.Index(Sources.Length, seed, Salt.MailMember, key, 6)],
            Math.Round(Det.Between(0.1, 0.6, seed, Salt.MailMember, key, 7), 4),
            Math.Round(Det.Between(0.0, 0.1, seed, Salt.MailMember, key, 8), 4),
            1 + Det.Index(5, seed, Salt.MailMember, key, 9),
            index);
    }

    /// <summary>Mailchimp's member id: MD5 of the lower-cased email address.</summary>
    public static string SubscriberHash(string email) =>
#pragma warning disable CA5351 // Mailchimp defines the id as MD5; it is an identifier, not security.
        Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(email.ToLowerInvariant())));
#pragma warning restore CA5351

    public int MemberCount(MailchimpList list, string status) => memberCounts.GetOrAdd((list.Index, status), _ => CountMembers(list, status));

    private int CountMembers(MailchimpList list, string status)
    {
        var count = 0;
        for (var i = 0; i < list.MemberTotal; i++)
        {
            long key = (list.Index * 100_000_000L) + i;
            if (PickStatus(Det.Unit(seed, Salt.MailMember, key, 4)) == status)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>Final stats, before late-accrual is applied.</summary>
    private MailchimpReportStats FinalStats(MailchimpCampaign c)
    {
        long k = c.Index;
        var sent = c.EmailsSent;
        var hard = Det.Round(sent * Det.Between(0.003, 0.008, seed, Salt.MailCampaign, k, 10));
        var soft = Det.Round(sent * Det.Between(0.005, 0.015, seed, Salt.MailCampaign, k, 11));
        var delivered = sent - hard - soft;
        var uniqueOpens = Det.Round(delivered * Det.Between(0.25, 0.45, seed, Salt.MailCampaign, k, 12));
        var usc = Det.Round(delivered * Det.Between(0.02, 0.06, seed, Salt.MailCampaign, k, 13));
        var uniqueClicks = Det.Round(usc * 1.05);
        var orders = Det.Round(usc * Det.Between(0.05, 0.1, seed, Salt.MailCampaign, k, 14));
        return new MailchimpReportStats(
            sent, hard, soft, Det.Round(delivered * 0.0001), Det.Round(delivered * Det.Between(0.001, 0.004, seed, Salt.MailCampaign, k, 15)),
            Det.Round(uniqueOpens * Det.Between(1.4, 1.9, seed, Salt.MailCampaign, k, 16)), uniqueOpens,
            Det.Round(uniqueClicks * Det.Between(1.3, 1.6, seed, Salt.MailCampaign, k, 17)), uniqueClicks, usc,
            orders, Det.Round(orders * Det.Between(6_000, 11_000, seed, Salt.MailCampaign, k, 18)), null, null);
    }

    /// <summary>Report stats at a read generation; campaigns sent in the last 30 days still gain late opens and clicks.</summary>
    public MailchimpReportStats? Report(MailchimpCampaign campaign, int generation)
    {
        if (campaign.SendTime is not { } sendTime)
        {
            return null;
        }

        var final = FinalStats(campaign);
        var ageDays = (int)(asOf - sendTime).TotalDays;
        var accrued = ageDays >= AccrualDays ? 1.0 : 1.0 - (0.35 * Math.Exp(-(ageDays + generation) / 4.0));
        var lastActivity = sendTime + TimeSpan.FromHours(Math.Min(ageDays, AccrualDays - 1) * 24 * 0.9 + generation);
        if (lastActivity > asOf)
        {
            lastActivity = asOf;
        }

        var opensTotal = Det.Round(final.OpensTotal * accrued);
        var uniqueOpens = Det.Round(final.UniqueOpens * accrued);
        long? humanOpens = null, humanUniqueOpens = null;
        if (campaign.Index > 0 && sendTime >= ProxyExclusionStart)
        {
            // 30–50 % of unique opens are MPP prefetches; each prefetch is one open, sometimes two. Late opens are
            // restated in both, since the share is fixed per campaign.
            var machineUnique = Det.Round(uniqueOpens * Det.Between(0.30, 0.50, seed, Salt.MailCampaign, campaign.Index, 19));
            humanUniqueOpens = uniqueOpens - machineUnique;
            humanOpens = Math.Max(humanUniqueOpens.Value, opensTotal - Det.Round(machineUnique * Det.Between(1.0, 1.3, seed, Salt.MailCampaign, campaign.Index, 20)));
        }

        return final with
        {
            OpensTotal = opensTotal,
            UniqueOpens = uniqueOpens,
            ProxyExcludedOpens = humanOpens,
            ProxyExcludedUniqueOpens = humanUniqueOpens,
            ClicksTotal = Det.Round(final.ClicksTotal * accrued),
            UniqueClicks = Det.Round(final.UniqueClicks * accrued),
            UniqueSubscriberClicks = Det.Round(final.UniqueSubscriberClicks * accrued),
            TotalOrders = Det.Round(final.TotalOrders * accrued),
            TotalRevenueCents = Det.Round(final.TotalRevenueCents * accrued),
            LastOpen = lastActivity,
            LastClick = lastActivity.AddMinutes(-17),
        };
    }

    /// <summary>Unique clicks that land on the site on the given day after the send (drives GA4 Email sessions).</summary>
    internal long FinalClicksOnDay(MailchimpCampaign campaign, int daysAfterSend) =>
        daysAfterSend < 0 || daysAfterSend >= ClickDayShares.Length || campaign.SendTime is null
            ? 0
            : Det.Round(FinalStats(campaign).UniqueClicks * ClickDayShares[daysAfterSend]);

    /// <summary>Members who unsubscribed through a campaign: distinct member indexes, one per unsubscribe.</summary>
    public IEnumerable<int> UnsubscribedMemberIndexes(MailchimpCampaign campaign, int generation)
    {
        var count = Report(campaign, generation)?.Unsubscribed ?? 0;
        var n = campaign.List.MemberTotal;
        var start = Det.Index(n, seed, Salt.MailUnsub, campaign.Index);
        var step = 1 + Det.Index(Math.Max(1, n - 1), seed, Salt.MailUnsub, campaign.Index, 1);
        while (Gcd(step, n) != 1)
        {
            step++;
        }

        for (long i = 0; i < Math.Min(count, n); i++)
        {
            yield return (int)((start + (i * step)) % n);
        }
    }

    internal double ActivityNoise(MailchimpList list, DateOnly day, int what) => Det.Unit(seed, Salt.MailActivity, list.Index, day.DayNumber, what);

    private double SubscribedAt(MailchimpList list, DateTimeOffset at) =>
        list.MemberTotal * Math.Clamp((at - list.DateCreated) / (asOf - list.DateCreated), 0, 1) * StatusShares[0];

    private static string PickStatus(double u)
    {
        for (var i = 0; i < StatusShares.Length; i++)
        {
            if (u < StatusShares[i])
            {
                return Statuses[i];
            }

            u -= StatusShares[i];
        }

        return Statuses[0];
    }

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);
}
