using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pipeline.Etl.Alerts;
using Pipeline.Etl.Configuration;
using Quartz;

namespace Pipeline.Etl.Scheduling;

/// <summary>
/// Registers the scheduler: Quartz (in-memory store, or SQL Server's clustered ADO.NET store), the jobs, the
/// post-run step and the alert sinks. Needs what every command host has: <see cref="PipelineOptions"/>,
/// <see cref="WarehouseFactory"/>, <see cref="SourceCatalog"/>, a <see cref="TimeProvider"/> and logging.
/// </summary>
public static class SchedulingServices
{
    public const string SchedulerName = "pipeline";
    public const string WebhookClient = "pipeline-alerts";

    public static IServiceCollection AddPipelineScheduling(this IServiceCollection services, PipelineOptions options, WebhookRetry? webhookRetry = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        // No request logging for this client: its URL is the secret (Slack and Teams put the token in the path).
        services.AddHttpClient(WebhookClient).RemoveAllLoggers();
        services.AddSingleton<IAlertSink>(sp =>
        {
            var secrets = (sp.GetService<IConfigurationRoot>() is { } configuration ? SecretKeys.ValuesIn(configuration) : [])
                .Append(options.Alerts.WebhookUrl ?? "")
                .Where(s => s.Length > 0)
                .ToList();
            var webhook = string.IsNullOrWhiteSpace(options.Alerts.WebhookUrl)
                ? null
                : new WebhookNotifier(
                    sp.GetRequiredService<IHttpClientFactory>().CreateClient(WebhookClient),
                    new Uri(options.Alerts.WebhookUrl),
                    sp.GetRequiredService<ILogger<WebhookNotifier>>(),
                    webhookRetry,
                    sp.GetService<TimeProvider>());
            return new AlertNotifier(sp.GetRequiredService<ILogger<AlertNotifier>>(), new AlertRedactor(secrets), webhook);
        });
        services.AddSingleton(sp => new AnomalyCheck(sp.GetRequiredService<IAlertSink>(), options.Alerts, sp.GetRequiredService<ILogger<AnomalyCheck>>()));
        services.AddSingleton<FreshnessAlerts>();
        services.AddSingleton<ApiVersionAlerts>();
        services.AddSingleton(sp => new SourceHealthCheck(sp.GetRequiredService<IAlertSink>(), options.Alerts.Health, sp.GetService<TimeProvider>() ?? TimeProvider.System, sp.GetRequiredService<ILogger<SourceHealthCheck>>()));
        services.AddSingleton<PostRunStep>();
        services.AddSingleton<ScheduledBackup>();
        services.AddSingleton<AccountSync>();
        services.AddSingleton<FreshnessCheck>();
        services.AddSingleton<PipelineScheduler>();
        services.AddTransient<SyncJob>();
        services.AddTransient<FreshnessJob>();
        services.AddTransient<ReportDeliveryJob>();

        var schedule = options.Schedule;
        services.AddQuartz(q =>
        {
            q.ConfigureScheduler(s =>
            {
                s.InstanceName = SchedulerName;
                // A shutdown that waits for jobs also tells them, through their token, to stop at the next window.
                s.ShutdownJobInterruption = ShutdownJobInterruption.WhenWaitingForJobs;
                s.GenerateInstanceId = schedule.Clustered;
            });
            q.UseDefaultThreadPool(schedule.MaxConcurrentJobs);
            if (schedule.Clustered)
            {
                q.UsePersistentStore(store =>
                {
                    store.UseSqlServer(options.Warehouse.SqlServer.ConnectionString!);
                    store.UseClustering(c => c.CheckinInterval = TimeSpan.FromSeconds(15));
                    store.ConfigureStore(s =>
                    {
                        s.TablePrefix = schedule.TablePrefix;
                        s.StoreJobDataAsStrings = true;
                        s.MisfireThreshold = schedule.MisfireThreshold;
                    });
                });
            }
            else
            {
                q.UseInMemoryStore(s => s.MisfireThreshold = schedule.MisfireThreshold);
            }
        });
        return services;
    }

    /// <summary>
    /// The options instance a command host registered, for callers that only hold the service collection
    /// (the CLI registers scheduling from inside the host it builds).
    /// </summary>
    public static IServiceCollection AddPipelineScheduling(this IServiceCollection services) =>
        services.AddPipelineScheduling(
            services.Select(d => d.ImplementationInstance).OfType<PipelineOptions>().LastOrDefault()
            ?? throw new InvalidOperationException("register PipelineOptions before scheduling"));
}
