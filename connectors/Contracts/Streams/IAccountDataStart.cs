namespace Pipeline.Connectors.Streams;

/// <summary>
/// Optional capability of an <see cref="ISourceConnection"/>: the first day the account can have report data, as the
/// platform states it (GA4 property <c>createTime</c>, Meta ad account <c>created_time</c>, Mailchimp list
/// <c>date_created</c>). A first backfill then starts there instead of walking months that cannot hold anything.
/// </summary>
public interface IAccountDataStart
{
    /// <summary>
    /// The account's first possible data day in its own time zone, or null when the platform does not say (the
    /// configured first-run start applies). A failing request throws; the host falls back and asks again next run.
    /// </summary>
    Task<DateOnly?> GetDataStartAsync(CancellationToken cancellationToken = default);
}
