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
}

/// <summary>Reads one stream page by page; each page is yielded as soon as it arrives.</summary>
public interface IStreamReader
{
    StreamDescriptor Stream { get; }

    IAsyncEnumerable<RecordBatch> ReadAsync(StreamReadRequest request, CancellationToken cancellationToken = default);
}

/// <summary>
/// What to read: report streams get a date window (already widened by the lookback); entity streams get the
/// committed cursor (null on the first run) and read what changed since.
/// </summary>
public sealed record StreamReadRequest(DateOnly? From, DateOnly? To, string? Cursor);
