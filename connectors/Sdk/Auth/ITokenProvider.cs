namespace Pipeline.Connectors.Auth;

/// <summary>Supplies the credential <see cref="AuthHandler"/> puts on each request.</summary>
public interface ITokenProvider
{
    /// <summary>Whether <see cref="Invalidate"/> can lead to a different token (false for fixed API keys).</summary>
    bool CanRefresh { get; }

    /// <summary>The current token, fetched or refreshed when missing or about to expire.</summary>
    ValueTask<string> GetTokenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The server rejected <paramref name="rejectedToken"/>: forget it so the next <see cref="GetTokenAsync"/>
    /// refreshes. Passing the rejected value makes concurrent 401s cause one refresh, not one each: a caller
    /// whose token was already replaced changes nothing. Null forgets unconditionally.
    /// </summary>
    void Invalidate(string? rejectedToken = null);
}

/// <summary>A token and when it stops working (null: until revoked).</summary>
public sealed record AccessToken(string Value, DateTimeOffset? ExpiresAt)
{
    public override string ToString() => $"AccessToken(expires {ExpiresAt:O})";
}

/// <summary>An API key or private-app token that never changes.</summary>
public sealed class StaticTokenProvider : ITokenProvider
{
    private readonly string _token;

    public StaticTokenProvider(string token)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        _token = token;
    }

    public bool CanRefresh => false;

    public ValueTask<string> GetTokenAsync(CancellationToken cancellationToken) => ValueTask.FromResult(_token);

    public void Invalidate(string? rejectedToken = null)
    {
        // A fixed key stays what it is; a 401 with it is a configuration error for the run to report.
    }

    public override string ToString() => "StaticTokenProvider(***)";
}

/// <summary>
/// Caches a fetched token until <see cref="RefreshBefore"/> ahead of its expiry, with one fetch in flight at a
/// time however many requests ask. Subclasses only say how to fetch (OAuth refresh, a Google service account).
/// </summary>
public abstract class CachingTokenProvider : ITokenProvider
{
    private readonly Lock _sync = new();
    private readonly TimeProvider _timeProvider;
    private AccessToken? _current;
    private Task<AccessToken>? _inflight;
    private int _fetchCount;

    protected CachingTokenProvider(TimeProvider? timeProvider = null, TimeSpan? refreshBefore = null)
    {
        _timeProvider = timeProvider ?? TimeProvider.System;
        RefreshBefore = refreshBefore ?? TimeSpan.FromMinutes(2);
    }

    /// <summary>How long before expiry a token is replaced, so a request never leaves with one about to lapse.</summary>
    public TimeSpan RefreshBefore { get; }

    public bool CanRefresh => true;

    /// <summary>How many times a token was fetched (for the run log and tests).</summary>
    public int FetchCount => Volatile.Read(ref _fetchCount);

    public async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        Task<AccessToken> fetch;
        lock (_sync)
        {
            if (_current is { } current && IsFresh(current))
            {
                return current.Value;
            }

            // The fetch is not tied to the first caller's token: one caller giving up must not fail the others.
            fetch = _inflight ??= FetchAndStoreAsync();
        }

        var token = await fetch.WaitAsync(cancellationToken);
        return token.Value;
    }

    public void Invalidate(string? rejectedToken = null)
    {
        lock (_sync)
        {
            if (rejectedToken is null || _current?.Value == rejectedToken)
            {
                _current = null;
            }
        }
    }

    /// <summary>Gets a new token from the issuer.</summary>
    protected abstract Task<AccessToken> FetchTokenAsync(CancellationToken cancellationToken);

    private bool IsFresh(AccessToken token) =>
        token.ExpiresAt is not { } expiresAt || _timeProvider.GetUtcNow() < expiresAt - RefreshBefore;

    private async Task<AccessToken> FetchAndStoreAsync()
    {
        // Yield first so the lock taken by the caller is released before any work happens.
        await Task.Yield();
        try
        {
            var token = await FetchTokenAsync(CancellationToken.None);
            Interlocked.Increment(ref _fetchCount);
            lock (_sync)
            {
                _current = token;
                _inflight = null;
            }

            return token;
        }
        catch
        {
            lock (_sync)
            {
                _inflight = null;
            }

            throw;
        }
    }
}
