using System.Globalization;

namespace Pipeline.Etl.Configuration;

/// <summary>How <c>pipeline sync</c> runs a source's accounts.</summary>
public sealed class SyncOptions
{
    public const int MaxAccountsAtOnce = 64;

    /// <summary>
    /// How many accounts of a source sync at once (an agency's GA4 properties or Meta ad accounts). Each account still
    /// keeps its own platform limits (GA4 concurrent requests per property, Meta usage per ad account, HubSpot's
    /// 100 per 10 s per portal, Mailchimp's 10 connections per key), and windows still commit one at a time: accounts
    /// overlap their API waits, not their writes. 1 (the default) syncs them one after another.
    /// </summary>
    public int MaxConcurrentAccounts { get; set; } = 1;

    /// <summary>Every problem of the <c>Sync</c> section, each naming its key (called by <see cref="ConfigValidator"/>).</summary>
    public static void Check(SyncOptions sync, Action<string, string> fail)
    {
        ArgumentNullException.ThrowIfNull(sync);
        ArgumentNullException.ThrowIfNull(fail);
        if (sync.MaxConcurrentAccounts is < 1 or > MaxAccountsAtOnce)
        {
            fail("Sync:MaxConcurrentAccounts", string.Create(CultureInfo.InvariantCulture, $"{sync.MaxConcurrentAccounts} is outside 1..{MaxAccountsAtOnce}"));
        }
    }
}
