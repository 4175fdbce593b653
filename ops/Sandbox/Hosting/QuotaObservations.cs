namespace Pipeline.Sandbox.Hosting;

/// <summary>
/// What one account's limits saw while serving: the highest load each platform limit measured and how many
/// requests it refused. Tests and the many-accounts benchmark read it to prove a client stayed within a quota
/// (the limits themselves only refuse; they do not say how close a client came).
/// </summary>
internal sealed class QuotaObservations
{
    private int peakGa4Concurrent;
    private int peakMailchimpConnections;
    private int peakHubSpotTenSeconds;
    private int peakMetaUsagePercent;
    private readonly long[] refused = new long[Enum.GetValues<SandboxApi>().Length];

    public int PeakGa4Concurrent => Volatile.Read(ref peakGa4Concurrent);

    public int PeakMailchimpConnections => Volatile.Read(ref peakMailchimpConnections);

    public int PeakHubSpotTenSeconds => Volatile.Read(ref peakHubSpotTenSeconds);

    public int PeakMetaUsagePercent => Volatile.Read(ref peakMetaUsagePercent);

    /// <summary>Requests of a platform answered with its throttle (429, or Meta's usage-limit error).</summary>
    public long Refused(SandboxApi api) => Interlocked.Read(ref refused[(int)api]);

    public void Ga4Concurrent(int inFlight) => Raise(ref peakGa4Concurrent, inFlight);

    public void MailchimpConnections(int open) => Raise(ref peakMailchimpConnections, open);

    public void HubSpotTenSeconds(int inWindow) => Raise(ref peakHubSpotTenSeconds, inWindow);

    public void MetaUsagePercent(int percent) => Raise(ref peakMetaUsagePercent, percent);

    public void Refuse(SandboxApi api) => Interlocked.Increment(ref refused[(int)api]);

    private static void Raise(ref int peak, int value)
    {
        var seen = Volatile.Read(ref peak);
        while (value > seen)
        {
            var previous = Interlocked.CompareExchange(ref peak, value, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }
}
