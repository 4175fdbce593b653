using Microsoft.Extensions.Configuration;
using Pipeline.Etl.Configuration;
using Pipeline.Etl.Scheduling;
using Pipeline.Scheduling.Tests.Support;

namespace Pipeline.Scheduling.Tests;

/// <summary>The Schedule, Alerts and Publish sections: each bad value is named by its key; the webhook URL is a secret.</summary>
public sealed class ConfigurationTests : TestFolder
{
    [TestCase("Schedule:Cron:ga4", "every hour", "Schedule:Cron:ga4", "is not a Quartz cron expression")]
    [TestCase("Schedule:Cron:twitter", "0 0 * * * ?", "Schedule:Cron:twitter", "'twitter' is not a source")]
    [TestCase("Schedule:FreshnessCheckCron", "*/5 * * * *", "Schedule:FreshnessCheckCron", "is not a Quartz cron expression")]
    [TestCase("Schedule:TimeZone", "Mars/Olympus", "Schedule:TimeZone", "is not a time zone")]
    [TestCase("Schedule:MaxConcurrentJobs", "0", "Schedule:MaxConcurrentJobs", "outside 1..32")]
    [TestCase("Schedule:ShutdownGrace", "-00:00:01", "Schedule:ShutdownGrace", "is outside")]
    [TestCase("Schedule:Clustered", "true", "Schedule:Clustered", "needs Warehouse:Engine sqlserver")]
    [TestCase("Alerts:WebhookUrl", "hooks.slack.com/services/T0/B0/x", "Alerts:WebhookUrl", "is not an http(s) URL")]
    [TestCase("Alerts:FreshnessSlaHours:hubspot", "0", "Alerts:FreshnessSlaHours:hubspot", "must be above 0")]
    [TestCase("Alerts:FreshnessSlaHours:nope", "3", "Alerts:FreshnessSlaHours:nope", "'nope' is not a source")]
    [TestCase("Alerts:Health:MinFillRate", "1.5", "Alerts:Health:MinFillRate", "is outside (0, 1]")]
    [TestCase("Alerts:Health:BaselineDays", "3", "Alerts:Health:BaselineDays", "is outside 7..365")]
    [TestCase("Alerts:Health:VolumeMadFactor", "-1", "Alerts:Health:VolumeMadFactor", "is outside 0..100")]
    [TestCase("Publish:Path", "data/warehouse.duckdb", "Publish:Path", "is the warehouse file itself")]
    [TestCase("Warehouse:DuckDb:MemoryLimit", "half the RAM", "Warehouse:DuckDb:MemoryLimit", "is not a size like 512MB or 2GB")]
    public void A_bad_value_is_reported_with_its_key(string key, string value, string expectedKey, string message)
    {
        var errors = Validate(new() { [key] = value });

        Assert.That(errors.Select(e => e.Key), Is.EqualTo(new[] { expectedKey }));
        Assert.That(errors[0].Message, Does.Contain(message));
    }

    [Test]
    public void Good_settings_pass_and_bind()
    {
        var errors = Validate(new()
        {
            ["Schedule:Cron:HubSpot"] = "0 0/15 * * * ?",
            ["Schedule:Cron:mailchimp"] = "off",
            ["Schedule:ShutdownGrace"] = "00:00:45",
            ["Alerts:WebhookUrl"] = "https://hooks.slack.com/services/T0/B0/abcdef",
            ["Alerts:FreshnessSlaHours:ga4"] = "12.5",
            ["Publish:Path"] = "bi/marts.duckdb",
        }, out var options);

        Assert.That(errors, Is.Empty);
        Assert.That(ScheduleDefaults.CronFor("hubspot", options!.Schedule), Is.EqualTo("0 0/15 * * * ?"), "keys match source names whatever their case");
        Assert.That(ScheduleDefaults.CronFor("meta", options.Schedule), Is.EqualTo(ScheduleDefaults.Cron["meta"]));
        Assert.That(ScheduleDefaults.SlaHoursFor("ga4", options.Alerts), Is.EqualTo(12.5));
        Assert.That(ScheduleDefaults.SlaHoursFor("files", options.Alerts), Is.EqualTo(ScheduleDefaults.SlaHours["files"]));
        Assert.That(options.Schedule.ShutdownGrace, Is.EqualTo(TimeSpan.FromSeconds(45)));
    }

    [Test]
    public async Task Config_check_masks_the_webhook_url_because_it_carries_its_token()
    {
        var config = CliRunner.WriteConfig(Folder, new { Alerts = new { WebhookUrl = "https://hooks.slack.com/services/T0/B0/xoxb-abcdef123456" } });

        var result = await CliRunner.RunAsync("config", "check", "--config", config);

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(result.Out + result.Error, Does.Not.Contain("xoxb-abcdef123456"));
        Assert.That(SecretKeys.IsSecret("Alerts:WebhookUrl"), Is.True);
    }

    private static List<ConfigError> Validate(Dictionary<string, string?> values) => Validate(values, out _);

    private static List<ConfigError> Validate(Dictionary<string, string?> values, out PipelineOptions? options)
    {
        values.TryAdd("Warehouse:DuckDb:Path", "data/warehouse.duckdb");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        return ConfigValidator.Validate(configuration, out options).ToList();
    }
}
