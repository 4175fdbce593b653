using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using netDumbster.smtp;
using Pipeline.Cli;
using Pipeline.Cli.Report.Delivery;
using Pipeline.Etl;
using Pipeline.Etl.Configuration;
using Pipeline.Etl.Scheduling;

namespace Pipeline.Report.Tests;

/// <summary>
/// Report delivery against an in-process SMTP server on loopback (netDumbster): <c>pipeline report --send</c> over
/// the demo warehouse, a server that is down, and the scheduler firing a delivery on its cron.
/// </summary>
[NonParallelizable]
public sealed class ReportDeliveryTests
{
    private const string Password = "Sm7p-Secret-Passw0rd";

    private static readonly string[] Recipients = ["ceo@example.com", "marketing@example.com"];

    [Test]
    public async Task SendMailsTheTabToTheRecipientsWithTheSubjectAndAttachesTheFullReport()
    {
        using var server = SimpleSmtpServer.Start(FreePort());
        var config = await WriteConfigAsync("send", server.Configuration.Port, "Weekly KPIs {period} {from}..{to}");
        var result = await ReportFixture.RunAsync("report", "--send", "--delivery", "weekly", "--config", config);
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Error);
        Assert.That(server.ReceivedEmailCount, Is.EqualTo(1));

        var mail = Parse(server.ReceivedEmail[0].Data);
        var report = ReportHtml.Load(await SaveAsync(mail.HtmlBody, "send-body.html"));
        Assert.Multiple(() =>
        {
            Assert.That(mail.To.Mailboxes.Select(m => m.Address), Is.EquivalentTo(Recipients));
            Assert.That(server.ReceivedEmail[0].ToAddresses.Select(a => a.ToString()), Is.EquivalentTo(Recipients), "the envelope's recipients");
            Assert.That(mail.Subject, Is.EqualTo($"Weekly KPIs Last month {report.From:yyyy-MM-dd}..{report.To:yyyy-MM-dd}"));
            Assert.That(report.Period, Is.EqualTo("last-month"));
            Assert.That(report.Panels.Keys, Is.EqualTo(new[] { "marketing" }), "the inline body is the delivery's tab");
            Assert.That(mail.HtmlBody, Does.Not.Contain("<script"), "mail clients drop scripts: the body needs none");
        });

        var attachment = mail.Attachments.OfType<MimePart>().Single();
        Assert.That(attachment.FileName, Does.EndWith(".html"));
        using var content = new MemoryStream();
        await attachment.Content!.DecodeToAsync(content);
        var full = ReportHtml.Load(await SaveAsync(Encoding.UTF8.GetString(content.ToArray()), "send-attachment.html"));
        Assert.That(full.Panels.Keys, Is.EquivalentTo(new[] { "executive", "marketing", "specialist" }), "the attachment is the whole report");
    }

    [Test]
    public async Task TheKpiValuesInTheMailBodyAreKpiOverRangeOfThePeriod()
    {
        using var server = SimpleSmtpServer.Start(FreePort());
        var config = await WriteConfigAsync("values", server.Configuration.Port);
        var result = await ReportFixture.RunAsync("report", "--send", "--config", config);
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Error);

        var report = ReportHtml.Load(await SaveAsync(Parse(server.ReceivedEmail.Single().Data).HtmlBody, "values-body.html"));
        var current = await Marts.OverRangeAsync(report.From, report.To);
        var previous = await Marts.OverRangeAsync(report.PreviousFrom, report.PreviousTo);
        var tiles = report.Tiles("marketing").Where(t => t.Source == "mart.kpi_over_range").ToList();
        Assert.That(tiles, Has.Count.GreaterThan(5));
        foreach (var tile in tiles)
        {
            Assert.That(current, Does.ContainKey(tile.KpiId));
            Assert.That(tile.Value, Is.EqualTo(current[tile.KpiId]).Within(1e-6), tile.KpiId);
            Assert.That(tile.Previous, Is.EqualTo(previous.GetValueOrDefault(tile.KpiId)).Within(1e-6), $"previous {tile.KpiId}");
        }
    }

    [Test]
    public async Task TheMailBodyRendersInHeadlessChromiumWithItsTilesShown()
    {
        Chromium.Require();
        using var server = SimpleSmtpServer.Start(FreePort());
        var config = await WriteConfigAsync("render", server.Configuration.Port);
        var result = await ReportFixture.RunAsync("report", "--send", "--config", config);
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Error);

        var body = await SaveAsync(Parse(server.ReceivedEmail.Single().Data).HtmlBody, "render-body.html");
        var url = new Uri(body).AbsoluteUri;
        var png = Path.Combine(ReportFixture.Folder, "render-body.png");
        var shot = await Chromium.RunAsync(url, "screenshot", png);
        Assert.That(shot.ExitCode, Is.Zero, shot.Error);
        Assert.That(shot.ConsoleMessages(url), Is.Empty);
        var bytes = await File.ReadAllBytesAsync(png);
        Assert.That((BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20))), Is.EqualTo((1400, 2000)));
        // A panel left hidden (display: none until a tab is checked) leaves the header alone: a few kilobytes.
        Assert.That(bytes, Has.Length.GreaterThan(100_000), "the tab's tiles and charts are drawn");
    }

    [Test]
    public async Task ADownServerIsRetriedThenExitsOneWithOneLineAndAnAlertWithoutThePassword()
    {
        var port = FreePort();
        using var webhook = new HttpListener();
        var hookUrl = $"http://127.0.0.1:{FreePort()}/hook/";
        webhook.Prefixes.Add(hookUrl);
        webhook.Start();
        var posted = ReceiveOneAsync(webhook);
        var config = await WriteConfigAsync("down", port, attempts: 3, password: Password, webhookUrl: hookUrl);
        var result = await ReportFixture.RunAsync("report", "--send", "--config", config);
        var alert = JsonDocument.Parse(await posted.WaitAsync(TimeSpan.FromSeconds(30))).RootElement.GetProperty("text").GetString() ?? "";
        var all = result.Out + result.Error + string.Concat(Directory.GetFiles(Path.Combine(ReportFixture.Folder, "down", "logs")).Select(File.ReadAllText));
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed));
            Assert.That(result.Error.Trim().Split('\n').Last(), Does.StartWith("pipeline: error: report delivery 'weekly' failed after 3 attempt(s) via 127.0.0.1:"));
            Assert.That(result.Error, Does.Contain("(attempt 1 of 3)").And.Contain("(attempt 2 of 3)"), "two retries logged");
            Assert.That(result.Error, Does.Contain("Alert \"RunFailed\" report weekly"), "the alert path logs the failure");
            Assert.That(alert, Does.Contain("report delivery 'weekly' failed after 3 attempt(s)"), "the alert reached the webhook");
            Assert.That(all + alert, Does.Not.Contain(Password));
        });
    }

    [Test]
    public async Task TheSchedulerSendsADeliveryOnItsCron()
    {
        using var server = SimpleSmtpServer.Start(FreePort());
        var config = await WriteConfigAsync("schedule", server.Configuration.Port, cron: "* * * * * ?");
        var configuration = ConfigurationFiles.Load(config, ReportFixture.Folder);
        var options = ConfigValidator.BindAndValidate(configuration);
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(options)
            .AddSingleton<IConfigurationRoot>(configuration)
            .AddSingleton<WarehouseFactory>()
            .AddSingleton(new SourceCatalog([]))
            .AddSingleton(TimeProvider.System);
        services.AddPipelineScheduling(options);
        services.AddReportDelivery();
        await using var provider = services.BuildServiceProvider();
        var scheduler = provider.GetRequiredService<PipelineScheduler>();
        var (quartz, jobs) = await scheduler.StartAsync(CancellationToken.None);
        try
        {
            Assert.That(jobs.Select(j => j.Job), Does.Contain("reports.weekly"));
            for (var waited = 0; server.ReceivedEmailCount == 0 && waited < 600; waited++)
            {
                await Task.Delay(100);
            }
        }
        finally
        {
            await scheduler.StopAsync(quartz);
        }

        Assert.That(server.ReceivedEmailCount, Is.GreaterThanOrEqualTo(1), "the delivery's job fired and mailed the report");
        Assert.That(Parse(server.ReceivedEmail[0].Data).To.Mailboxes.Select(m => m.Address), Is.EquivalentTo(Recipients));
    }

    [TestCase("Period", "\"last-year\"", "Reports:0:Period")]
    [TestCase("Audience", "\"board\"", "Reports:0:Audience")]
    [TestCase("Cron", "\"every monday\"", "Reports:0:Cron")]
    [TestCase("To", "[ \"not-an-address\" ]", "Reports:0:To:0")]
    public async Task ABadDeliveryIsAConfigErrorNamingItsKey(string key, string value, string named)
    {
        var config = await WriteConfigAsync("bad-" + key.ToLowerInvariant(), 25);
        var json = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(config))!;
        json["Reports"]![0]![key] = System.Text.Json.Nodes.JsonNode.Parse(value);
        await File.WriteAllTextAsync(config, json.ToJsonString());
        var result = await ReportFixture.RunAsync("report", "--send", "--config", config);
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(result.Error, Does.Contain(named));
    }

    [Test]
    public void TheConfigAcceptsExactlyTheReportsPeriodsAndTabs()
    {
        // The validator lives below the CLI and keeps its own lists; they must stay the report's.
        Assert.That(Pipeline.Etl.Delivery.DeliveryConfig.Periods, Is.EquivalentTo(Pipeline.Cli.Kpi.KpiPeriods.Names));
        Assert.That(Pipeline.Etl.Delivery.DeliveryConfig.Audiences, Is.EquivalentTo(Pipeline.Cli.Report.ReportLayout.Audiences.Select(a => a.Id)));
    }

    [Test]
    public async Task ConfigCheckMasksTheSmtpPassword()
    {
        var config = await WriteConfigAsync("check", 25, password: Password);
        var result = await ReportFixture.RunAsync("config", "check", "--config", config);
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Error);
        Assert.That(result.Out + result.Error, Does.Contain("Smtp").And.Not.Contain(Password));
    }

    private static async Task<string> WriteConfigAsync(string name, int port, string? subject = null, string cron = "0 0 8 ? * MON", int attempts = 1, string? password = null, string? webhookUrl = null)
    {
        var folder = Path.Combine(ReportFixture.Folder, name);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "pipeline.json");
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(new
        {
            Warehouse = new { DuckDb = new { Path = ReportFixture.WarehousePath } },
            Logging = new { Directory = Path.Combine(folder, "logs") },
            Reporting = new { Currency = "EUR", TimeZone = "Europe/Berlin" },
            Alerts = new { WebhookUrl = webhookUrl },
            Reports = new[] { new { Name = "weekly", Audience = "marketing", Period = "last-month", Cron = cron, To = Recipients, Subject = subject } },
            Smtp = new
            {
                Host = "127.0.0.1",
                Port = port,
                Security = "None",
                Username = password is null ? null : "reports-bot",
                Password = password,
                From = "reports@example.com",
                Attempts = attempts,
                RetryDelay = "00:00:00.050",
            },
        }));
        return path;
    }

    /// <summary>
    /// The message as a mailbox stores it. netDumbster keeps the SMTP dot-stuffing of the DATA lines (a line that
    /// starts with "." is sent as ".."); a real server takes it out (RFC 5321 4.5.2), so the test does too.
    /// </summary>
    private static MimeMessage Parse(string data) =>
        MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(data.Replace("\n..", "\n.", StringComparison.Ordinal))));

    /// <summary>The body of the first request the listener gets, answered 200.</summary>
    private static async Task<string> ReceiveOneAsync(HttpListener listener)
    {
        var context = await listener.GetContextAsync();
        using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        context.Response.StatusCode = 200;
        context.Response.Close();
        return body;
    }

    private static async Task<string> SaveAsync(string? html, string file)
    {
        Assert.That(html, Is.Not.Null, "the mail has an HTML part");
        var path = Path.Combine(ReportFixture.Folder, file);
        await File.WriteAllTextAsync(path, html);
        return path;
    }

    /// <summary>A loopback port nothing listens on (a down server), or that a test server then takes.</summary>
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
