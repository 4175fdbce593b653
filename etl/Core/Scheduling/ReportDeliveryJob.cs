using Pipeline.Etl.Delivery;
using Quartz;

namespace Pipeline.Etl.Scheduling;

/// <summary>
/// A Quartz job sending one configured report delivery. The delivery retries and alerts by itself; a failure
/// that got through is logged by Quartz and the next fire tries again.
/// </summary>
[DisallowConcurrentExecution]
public sealed class ReportDeliveryJob(IReportDelivery delivery) : IJob
{
    public const string Group = "reports";
    public const string DeliveryKey = "delivery";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var name = context.MergedJobDataMap[DeliveryKey] as string
            ?? throw new InvalidOperationException($"job {context.JobDetail.Key} has no '{DeliveryKey}'");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, context.CancellationToken);
        try
        {
            await delivery.SendAsync(name, stop.Token);
        }
        catch (ReportDeliveryException)
        {
            // Already retried, alerted and logged: the scheduler goes on with the other jobs.
        }
    }
}
