using System.Globalization;
using Pipeline.Warehouse;

namespace Pipeline.Etl.Sync;

/// <summary>
/// Where a backfill stands, kept in <c>etl.alert_state</c> (both engines) under
/// <c>backfill:&lt;source&gt;:&lt;stream&gt;:&lt;account&gt;:&lt;from&gt;:&lt;to&gt;</c>: the last day of the last
/// committed window. The same command run again resumes after it; a completed backfill removes its keys, so running
/// it once more reads the range again.
/// </summary>
public sealed class BackfillProgress(IAlertState state, DateOnly from, DateOnly to)
{
    public string Key(string source, string stream, string accountId) =>
        string.Create(CultureInfo.InvariantCulture, $"backfill:{source}:{stream}:{accountId}:{from:yyyy-MM-dd}:{to:yyyy-MM-dd}");

    public async Task<DateOnly?> DoneThroughAsync(string source, string stream, string accountId, CancellationToken cancellationToken) =>
        await state.GetAsync(Key(source, stream, accountId), cancellationToken) is { } text
        && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day
            : null;

    public Task WindowDoneAsync(string source, string stream, string accountId, IncrementalWindow window, CancellationToken cancellationToken) =>
        state.SetAsync(Key(source, stream, accountId), window.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), cancellationToken);

    public Task CompletedAsync(string source, string stream, string accountId, CancellationToken cancellationToken) =>
        state.SetAsync(Key(source, stream, accountId), null, cancellationToken);
}

/// <summary>
/// Alert state that keeps what is set in memory only: a dry run asks where an account's data starts (and reads what
/// is cached) without writing the answer to the warehouse.
/// </summary>
public sealed class InMemoryAlertState(IAlertState? inner) : IAlertState
{
    private readonly Dictionary<string, string?> set = new(StringComparer.Ordinal);

    public async Task<string?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        set.TryGetValue(key, out var value) ? value : inner is null ? null : await inner.GetAsync(key, cancellationToken);

    public Task SetAsync(string key, string? value, CancellationToken cancellationToken = default)
    {
        set[key] = value;
        return Task.CompletedTask;
    }
}

/// <summary>How the backfill planner learns where an account's data starts (<see cref="AccountDataStart"/> is internal).</summary>
public static class BackfillDataStart
{
    public static Task<DateOnly?> GetAsync(IAlertState state, Pipeline.Connectors.Streams.ISourceConnection connection, DateOnly today,
        Microsoft.Extensions.Logging.ILogger logger, CancellationToken cancellationToken) =>
        new AccountDataStart(state, connection, logger).GetAsync(today, cancellationToken);
}
