namespace Pipeline.Sandbox.World;

/// <summary>
/// True totals at the world's current read generation. Small on purpose: enough to check spend, sessions,
/// email stats and deal values landed in a warehouse without loss or double counting.
/// </summary>
public sealed class GroundTruth
{
    private readonly SandboxWorld world;

    internal GroundTruth(SandboxWorld world) => this.world = world;

    /// <summary>Meta spend in the account's currency for a day, optionally for one campaign.</summary>
    public decimal MetaSpend(string accountId, DateOnly date, string? campaignId = null)
    {
        long cents = 0;
        foreach (var ad in world.Meta.Ads)
        {
            if (ad.Campaign.AccountId == accountId && (campaignId is null || ad.Campaign.Id == campaignId))
            {
                cents += world.Meta.AdDay(ad, date, world.ReadGeneration).SpendCents;
            }
        }

        return cents / 100m;
    }

    /// <summary>Meta spend over an inclusive date range.</summary>
    public decimal MetaSpend(string accountId, DateOnly from, DateOnly to, string? campaignId = null)
    {
        var total = 0m;
        for (var d = from; d <= to; d = d.AddDays(1))
        {
            total += MetaSpend(accountId, d, campaignId);
        }

        return total;
    }

    /// <summary>Meta purchases (7-day click + 1-day view) for a day; restated while younger than 28 days.</summary>
    public long MetaPurchases(string accountId, DateOnly date)
    {
        long total = 0;
        foreach (var ad in world.Meta.Ads)
        {
            if (ad.Campaign.AccountId == accountId)
            {
                var day = world.Meta.AdDay(ad, date, world.ReadGeneration);
                total += day.Purchases7dClick + day.Purchases1dView;
            }
        }

        return total;
    }

    /// <summary>GA4 sessions for a day, per sessionDefaultChannelGroup.</summary>
    public IReadOnlyDictionary<string, long> Ga4SessionsByChannel(DateOnly date)
    {
        var result = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var s in world.Ga4.Segments(date, world.ReadGeneration))
        {
            result[s.Channel] = result.GetValueOrDefault(s.Channel) + s.Sessions;
        }

        return result;
    }

    public long Ga4Sessions(DateOnly date, string? channel = null) =>
        channel is null ? Ga4SessionsByChannel(date).Values.Sum() : Ga4SessionsByChannel(date).GetValueOrDefault(channel);

    /// <summary>Report stats of a Mailchimp campaign as /reports/{id} serves them now; null for unsent campaigns.</summary>
    public MailchimpReportStats? MailchimpReport(string campaignId) =>
        world.Mailchimp.FindCampaign(campaignId) is { } c ? world.Mailchimp.Report(c, world.ReadGeneration) : null;

    /// <summary>Deal counts and amounts. Archived deals are deleted in HubSpot and excluded unless asked for.</summary>
    public DealTotals HubSpotDeals(bool archived = false)
    {
        long count = 0, won = 0;
        decimal amount = 0, wonAmount = 0;
        for (var i = 0; i < world.Options.Deals; i++)
        {
            if (world.Crm.Core(CrmObjectType.Deals, i).Archived != archived)
            {
                continue;
            }

            var (dealAmount, stage, _) = world.Crm.DealFacts(i);
            count++;
            amount += dealAmount;
            if (stage == "closedwon")
            {
                won++;
                wonAmount += dealAmount;
            }
        }

        return new DealTotals(count, amount, won, wonAmount);
    }
}

public sealed record DealTotals(long Count, decimal Amount, long ClosedWonCount, decimal ClosedWonAmount);
