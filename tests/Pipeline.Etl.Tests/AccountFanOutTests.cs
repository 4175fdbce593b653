using Pipeline.Etl.Sync;

namespace Pipeline.Etl.Tests;

public sealed class AccountFanOutTests
{
    // Guards a broken fan-out from hanging the run; no assertion depends on it.
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(30);

    [Test]
    public async Task Accounts_run_together_up_to_the_limit_and_never_more_with_results_in_account_order()
    {
        var inFlight = 0;
        var most = 0;
        var threeOpen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var accounts = Enumerable.Range(0, 10).ToList();

        var results = await AccountFanOut.RunAsync(accounts, 3, async (account, _) =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref most, now);
            if (now == 3)
            {
                threeOpen.TrySetResult();
            }

            // The first accounts only finish once three are open at the same time: a fan-out that ran them one by one never gets here.
            await threeOpen.Task.WaitAsync(Hang);
            await Task.Yield();
            Interlocked.Decrement(ref inFlight);
            return account * 10;
        }, CancellationToken.None).WaitAsync(Hang);

        Assert.That(most, Is.EqualTo(3));
        Assert.That(results, Is.EqualTo(accounts.Select(a => a * 10)));
    }

    [Test]
    public async Task One_at_a_time_runs_the_accounts_in_order_one_after_another()
    {
        var order = new List<int>();
        var inFlight = 0;
        var most = 0;

        await AccountFanOut.RunAsync(Enumerable.Range(0, 5).ToList(), 1, async (account, _) =>
        {
            InterlockedMax(ref most, Interlocked.Increment(ref inFlight));
            await Task.Yield();
            order.Add(account);
            Interlocked.Decrement(ref inFlight);
            return account;
        }, CancellationToken.None);

        Assert.That((order, most), Is.EqualTo((new List<int> { 0, 1, 2, 3, 4 }, 1)));
    }

    [Test]
    public void Zero_accounts_at_once_is_refused()
    {
        Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => AccountFanOut.RunAsync(new[] { 1 }, 0, (a, _) => Task.FromResult(a), CancellationToken.None));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
            seen = Volatile.Read(ref target);
        }
    }
}
