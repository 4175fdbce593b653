namespace Pipeline.Connectors.Streams;

/// <summary>
/// A connector type (GA4, Meta, …): the one place a new source is added. It describes its streams and opens a
/// connection per configured account. It never touches SQL.
/// </summary>
public interface ISource
{
    /// <summary>Lower snake_case name; staging tables are <c>staging.{Name}_{stream}</c>.</summary>
    string Name { get; }

    /// <summary>Every stream this source can emit (custom streams from configuration included).</summary>
    IReadOnlyList<StreamDescriptor> Streams { get; }

    /// <summary>
    /// Opens one connection per configured account, checking what can be checked before any data is read
    /// (credentials, custom report names). No accounts configured: an empty list.
    /// </summary>
    Task<IReadOnlyList<ISourceConnection>> ConnectAsync(CancellationToken cancellationToken = default);
}

/// <summary>One configured account of a source, ready to read.</summary>
public interface ISourceConnection : IAsyncDisposable
{
    string Source { get; }

    /// <summary>Account id as stored in <c>_account_id</c> (property id, ad account id, Mailchimp dc/account, portal id).</summary>
    string AccountId { get; }

    /// <summary>The account's own time zone: report days and "today" are computed in it.</summary>
    TimeZoneInfo TimeZone { get; }

    IReadOnlyList<IStreamReader> Streams { get; }

    /// <summary>HTTP requests sent so far through this connection (retries included), for the run log.</summary>
    long ApiCalls { get; }
}

/// <summary>Reads one stream page by page; each page is yielded as soon as it arrives.</summary>
public interface IStreamReader
{
    StreamDescriptor Stream { get; }

    /// <summary>How this account's stream is windowed (lookback, first-run start, chunk size, history limit).</summary>
    StreamSyncSettings Settings { get; }

    IAsyncEnumerable<RecordBatch> ReadAsync(StreamReadRequest request, CancellationToken cancellationToken = default);
}

/// <summary>
/// What to read: report streams get a date window (already widened by the lookback); entity streams get the
/// committed cursor (null on the first run) and read what changed since.
/// </summary>
public sealed record StreamReadRequest(DateOnly? From, DateOnly? To, string? Cursor);

/// <summary>
/// How a stream's windows are planned for one account.
/// </summary>
/// <param name="LookbackDays">Report streams: how many already-loaded days are read again (restatement).</param>
/// <param name="FirstRunDays">Report streams: how far back the first run reaches, in days before today.</param>
/// <param name="ChunkDays">Report streams: the longest window committed at once, so a long backfill resumes where it stopped.</param>
/// <param name="MaxHistoryDays">Report streams: the oldest day the API still serves (Meta: 37 months); null if unlimited.</param>
public sealed record StreamSyncSettings(int LookbackDays, int FirstRunDays = 395, int ChunkDays = 30, int? MaxHistoryDays = null)
{
    public static StreamSyncSettings For(StreamDescriptor stream) => new(stream?.DefaultLookbackDays ?? 0);
}
