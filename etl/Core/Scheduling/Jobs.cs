using System.Globalization;
using Quartz;

namespace Pipeline.Etl.Scheduling;

/// <summary>
/// A Quartz job syncing one source account. Never two runs of one account at once: a trigger that comes due while
/// the job runs waits (blocked), and one that waited longer than the misfire threshold fires once when it may.
/// </summary>
[DisallowConcurrentExecution]
public sealed class SyncJob(AccountSync sync) : IJob
{
    public const string SourceKey = "source";
    public const string AccountIndexKey = "accountIndex";
    public const string AccountLabelKey = "account";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var map = context.MergedJobDataMap;
        var index = map[AccountIndexKey] as string;
        var account = new ScheduledAccount(
            map[SourceKey] as string ?? throw new InvalidOperationException($"job {context.JobDetail.Key} has no '{SourceKey}'"),
            string.IsNullOrEmpty(index) ? null : int.Parse(index, CultureInfo.InvariantCulture),
            map[AccountLabelKey] as string ?? "all");

        // The scheduler signals this token when it shuts down (it waits for the job meanwhile) or on an interrupt.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, context.CancellationToken);
        await sync.RunAsync(account, stop.Token);
    }
}

/// <summary>A Quartz job checking every configured source against its freshness SLA.</summary>
[DisallowConcurrentExecution]
public sealed class FreshnessJob(FreshnessCheck check) : IJob
{
    public static readonly JobKey Key = new("freshness", "ops");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        await check.RunAsync(cancellationToken);
    }
}
