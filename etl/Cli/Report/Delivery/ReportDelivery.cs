using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pipeline.Etl;
using Pipeline.Etl.Alerts;
using Pipeline.Etl.Configuration;
using Pipeline.Etl.Delivery;
using Pipeline.Etl.Scheduling;

namespace Pipeline.Cli.Report.Delivery;

/// <summary>
/// Sends a configured delivery now: reads the report of its period from the marts (as <c>pipeline report</c> does),
/// mails it, and when every attempt failed alerts (log + webhook, secrets redacted) and throws one redacted line.
/// Used by <c>pipeline report --send</c> and by the scheduler's <see cref="ReportDeliveryJob"/>.
/// </summary>
internal sealed class ReportDelivery(
    WarehouseFactory warehouses,
    PipelineOptions options,
    IAlertSink alerts,
    TimeProvider clock,
    ILogger<ReportDelivery> logger,
    IConfigurationRoot? configuration = null) : IReportDelivery
{
    public async Task SendAsync(string deliveryName, CancellationToken cancellationToken)
    {
        var delivery = options.Reports.FirstOrDefault(r => string.Equals(r.Name, deliveryName, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"no delivery named '{deliveryName}' in Reports (configured: {string.Join(", ", options.Reports.Select(r => r.Name))})", nameof(deliveryName));
        try
        {
            var data = await ReadAsync(delivery, cancellationToken);
            var message = ReportMail.Build(delivery, options.Smtp.From, data);
            await new SmtpSender(options.Smtp, logger, clock).SendAsync(message, cancellationToken);
            logger.LogInformation("Report {Delivery} ({Period}, {Audience}) sent to {Recipients}", delivery.Name, delivery.Period, delivery.Audience, string.Join(", ", delivery.To));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var redactor = new AlertRedactor(configuration is null ? [] : SecretKeys.ValuesIn(configuration));
            var line = redactor.Redact($"report delivery '{delivery.Name}' failed after {options.Smtp.Attempts} attempt(s) via {options.Smtp.Host}:{options.Smtp.Port}: {ex.Message}");
            await alerts.SendAsync(
                new Alert(AlertKind.RunFailed, LogLevel.Error, $"report {delivery.Name}", line, [$"recipients: {string.Join(", ", delivery.To)}", $"period {delivery.Period}, tab {delivery.Audience}"]),
                CancellationToken.None);
            throw new ReportDeliveryException(line, ex);
        }
    }

    private async Task<ReportData> ReadAsync(ReportDeliveryOptions delivery, CancellationToken cancellationToken)
    {
        await using var warehouse = warehouses.OpenForReading();
        var zone = TimeZoneInfo.FindSystemTimeZoneById(options.Reporting.TimeZone);
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        return await new MartReportReader(warehouse.Reader).ReadAsync(ReportRequests.For(delivery.Period, today, now), cancellationToken);
    }
}

internal static class ReportDeliveryServices
{
    /// <summary>The delivery service, with the alert path it reports failures to (the scheduler's, registered once).</summary>
    public static IServiceCollection AddReportDelivery(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(IAlertSink)))
        {
            services.AddPipelineScheduling();
        }

        services.AddSingleton<IReportDelivery, ReportDelivery>();
        return services;
    }
}
