using System.Net;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Etl.Alerts;
using Pipeline.Etl.Scheduling;
using Pipeline.Scheduling.Tests.Support;

namespace Pipeline.Scheduling.Tests;

/// <summary>Alerts: logged, posted to the webhook as Slack/Teams-compatible JSON, redacted, sent once.</summary>
public sealed class AlertTests : TestFolder
{
    private const string Token = "EAAG-secret-token-4242";
    private static readonly WebhookRetry Quick = new(3, TimeSpan.Zero, TimeSpan.FromSeconds(5));

    [Test]
    public async Task A_failed_run_posts_the_source_and_the_failure_without_any_secret()
    {
        await using var receiver = new WebhookReceiver();
        var source = new SlowSource
        {
            ConnectError = new HttpRequestException($"401 from https://graph.example/v23.0/act_1?access_token={Token}: token {Token} has expired"),
        };
        await using var host = await SchedulingHost.StartAsync(
            Folder, [source], o => o.Alerts.WebhookUrl = receiver.Url.ToString(), webhookRetry: Quick,
            secrets: new Dictionary<string, string?> { ["Sources:Slow:AccessToken"] = Token });

        var result = await host.Get<AccountSync>().RunAsync(new ScheduledAccount("slow", null, "all"), CancellationToken.None);

        Assert.That(result.ConnectError, Does.Contain("expired"));
        var body = receiver.Bodies.Single();
        using var json = JsonDocument.Parse(body);
        Assert.That(json.RootElement.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "text" }), "Slack and Teams incoming webhooks read 'text'");
        var text = json.RootElement.GetProperty("text").GetString()!;
        Assert.That(text, Does.StartWith("[pipeline] slow all: scheduled run").And.Contain("failed: could not connect").And.Contain("has expired"));
        Assert.That(body, Does.Not.Contain(Token).And.Not.Contain("xoxb-webhook-path-secret"));
        var logged = string.Join("\n", host.Logs.Events.Select(e => e.Message));
        Assert.That(host.Logs.Events.Where(e => e.Category.EndsWith("AlertNotifier", StringComparison.Ordinal)).Select(e => e.Level), Is.EqualTo(new[] { LogLevel.Error }));
        Assert.That(logged, Does.Not.Contain("xoxb-webhook-path-secret"));

        await using var db = await host.OpenWarehouseAsync();
        var run = await db.QuerySingleAsync<(string Stream, string Status, string Error)>("SELECT stream, status, error FROM etl.sync_runs WHERE source = 'slow'");
        Assert.That(run.Stream, Is.EqualTo(AccountSync.ConnectStream));
        Assert.That(run.Status, Is.EqualTo("Failed"), "the failure is in the run log, so status shows it");
    }

    [Test]
    public async Task A_failed_window_is_alerted_with_the_stream_and_its_error()
    {
        await using var receiver = new WebhookReceiver();
        var source = new SlowSource(firstRunDays: 2) { ReadError = new InvalidOperationException("the API answered 500 twice") };
        await using var host = await SchedulingHost.StartAsync(Folder, [source], o => o.Alerts.WebhookUrl = receiver.Url.ToString(), webhookRetry: Quick);

        var result = await host.Get<AccountSync>().RunAsync(new ScheduledAccount("slow", null, "all"), CancellationToken.None);

        Assert.That(result.FailedWindows, Is.EqualTo(1));
        Assert.That(receiver.Texts.Single(), Does.Contain("slow all: scheduled run").And.Contain("1 window(s) failed")
            .And.Contain("slow.daily acc-1").And.Contain("the API answered 500 twice"));
    }

    [Test]
    public async Task The_webhook_is_retried_on_5xx_and_429_and_gives_up_quietly()
    {
        await using var receiver = new WebhookReceiver(HttpStatusCode.InternalServerError, HttpStatusCode.TooManyRequests);
        var notifier = new WebhookNotifier(new HttpClient(), receiver.Url, NullLogger.Instance, Quick);

        Assert.That(await notifier.PostAsync("hello"), Is.True);
        Assert.That(receiver.Texts, Is.EqualTo(new[] { "hello", "hello", "hello" }));
        Assert.That(notifier.Destination, Is.EqualTo("http://127.0.0.1"), "what logs name: the host, never the path");

        await using var down = new WebhookReceiver(Enumerable.Repeat(HttpStatusCode.ServiceUnavailable, 10).ToArray());
        var refused = new WebhookNotifier(new HttpClient(), down.Url, NullLogger.Instance, Quick);
        Assert.That(await refused.PostAsync("lost"), Is.False, "a webhook that stays down fails the alert, not the run");
        Assert.That(down.Bodies, Has.Count.EqualTo(4), "one try and three retries");
    }

    [Test]
    public async Task A_stale_source_is_alerted_once_per_episode_and_once_more_when_fresh_again()
    {
        var sink = new RecordingSink();
        var alerts = new FreshnessAlerts(sink);
        var state = new DictionaryAlertState();
        var since = new DateTime(2026, 3, 1, 6, 0, 0, DateTimeKind.Utc);
        SourceFreshness Ga4(bool stale, double hours, DateTime? at) => new("ga4", 3, at, hours, 6, stale, 1200, 40, stale ? 2 : 0, stale ? "quota exhausted" : null);

        await alerts.RunAsync([Ga4(stale: true, 9, since)], state);
        await alerts.RunAsync([Ga4(stale: true, 10, since)], state);
        await alerts.RunAsync([Ga4(stale: false, 0.2, since.AddHours(10))], state);
        await alerts.RunAsync([Ga4(stale: false, 0.5, since.AddHours(10))], state);

        Assert.That(sink.Alerts.Select(a => (a.Kind, a.Level)), Is.EqualTo(new[] { (AlertKind.Stale, LogLevel.Warning), (AlertKind.Recovered, LogLevel.Information) }));
        Assert.That(sink.Alerts[0].Text, Does.Contain("ga4 is stale: last complete sync 9.0 h ago (SLA 6 h)").And.Contain("last error: quota exhausted"));
    }

    [Test]
    public async Task New_anomalies_are_alerted_once_and_the_first_check_reports_only_the_newest_day()
    {
        var sink = new RecordingSink();
        var check = new AnomalyCheck(sink, new AlertOptions { MaxAnomaliesListed = 2 }, NullLogger<AnomalyCheck>.Instance);
        var state = new DictionaryAlertState();
        var feed = new FakeFeed();
        feed.Rows.AddRange([Anomaly(new DateOnly(2026, 3, 1), "cpc", 2.5), Anomaly(new DateOnly(2026, 3, 5), "ctr", -4.1), Anomaly(new DateOnly(2026, 3, 5), "cpc", 3.2), Anomaly(new DateOnly(2026, 3, 5), "roas", 5.5)]);

        Assert.That(await check.RunAsync(feed, state), Is.EqualTo(3), "only 2026-03-05, the newest day, on the first check");
        Assert.That(await check.RunAsync(feed, state), Is.Zero, "nothing new");
        feed.Rows.Add(Anomaly(new DateOnly(2026, 3, 6), "sessions", -3.9));
        Assert.That(await check.RunAsync(feed, state), Is.EqualTo(1));

        Assert.That(sink.Alerts.Select(a => a.Title), Is.EqualTo(new[] { "3 new KPI anomalies on 2026-03-05", "1 new KPI anomaly on 2026-03-06" }));
        Assert.That(sink.Alerts[0].Lines, Has.Count.EqualTo(3).And.Some.Contains("… and 1 more"));
        Assert.That(sink.Alerts[0].Lines[0], Does.StartWith("2026-03-05 ROAS [roas] (Paid Social)"), "the largest deviation first");
        Assert.That(await state.GetAsync(AnomalyCheck.WatermarkKey), Is.EqualTo("2026-03-06"));
    }

    [Test]
    public void Secrets_and_url_credentials_are_redacted_from_alert_text()
    {
        var redactor = new AlertRedactor(["s3cr3t-value"]);

        var text = redactor.Redact("failed: s3cr3t-value at https://user:pw@host/x?key=abc&x=1\nretry https://h/y?access_token=zzz");

        Assert.That(text, Does.Not.Contain("s3cr3t-value").And.Not.Contain("pw@").And.Not.Contain("abc").And.Not.Contain("zzz"));
        Assert.That(text, Does.Contain("x=1"));
    }

    private static KpiAnomaly Anomaly(DateOnly date, string kpi, double z) =>
        new(date, "channel", "Paid Social", kpi, kpi.ToUpperInvariant(), "Ratio", 1.5, 1.0, 0.8, 1.2, z, z > 0 ? "up" : "down", "watch");



    private sealed class FakeFeed : IAnomalyFeed
    {
        public List<KpiAnomaly> Rows { get; } = [];

        public Task<DateOnly?> LatestDateAsync(CancellationToken cancellationToken = default) =>
            Task.FromResult(Rows.Count == 0 ? (DateOnly?)null : Rows.Max(r => r.Date));

        public Task<IReadOnlyList<KpiAnomaly>> ReadAfterAsync(DateOnly after, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<KpiAnomaly>>(Rows.Where(r => r.Date > after).OrderBy(r => r.Date).ToList());
    }
}
