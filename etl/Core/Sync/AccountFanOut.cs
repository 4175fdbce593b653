namespace Pipeline.Etl.Sync;

/// <summary>
/// Runs a source's accounts at most N at a time (<c>Sync:MaxConcurrentAccounts</c>), results in account order.
/// With 1 the accounts run one after another on the caller's flow, exactly as a loop would. Per-account platform
/// limits are the connectors' (one resilience pipeline per account); this only decides how many accounts are open.
/// Writes must take turns: give the accounts a <see cref="SingleWriterWarehouse"/> when N is above 1.
/// </summary>
public static class AccountFanOut
{
    public static async Task<IReadOnlyList<TResult>> RunAsync<TAccount, TResult>(
        IReadOnlyList<TAccount> accounts, int maxConcurrent, Func<TAccount, CancellationToken, Task<TResult>> sync, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        ArgumentNullException.ThrowIfNull(sync);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrent, 1);
        var results = new TResult[accounts.Count];
        if (maxConcurrent == 1)
        {
            for (var i = 0; i < accounts.Count; i++)
            {
                results[i] = await sync(accounts[i], cancellationToken);
            }

            return results;
        }

        await Parallel.ForEachAsync(
            Enumerable.Range(0, accounts.Count),
            new ParallelOptions { MaxDegreeOfParallelism = maxConcurrent, CancellationToken = cancellationToken },
            async (i, ct) => results[i] = await sync(accounts[i], ct));
        return results;
    }
}
