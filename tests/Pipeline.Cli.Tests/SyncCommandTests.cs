using Pipeline.Sandbox;
using Pipeline.Sandbox.World;

namespace Pipeline.Cli.Tests;

public sealed class SyncCommandTests : CliTestBase
{
    [Test]
    public async Task Sync_reads_configured_sources_from_their_base_urls_and_a_second_run_is_incremental()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { World = WorldOptions.Demo with { StartDate = today.AddDays(-13), Days = 14 } });
        WriteConfig(new
        {
            Sources = new
            {
                Ga4 = new
                {
                    BaseUrl = sandbox.Ga4BaseAddress,
                    TokenUrl = sandbox.GoogleTokenUri,
                    Properties = new[] { new { PropertyId = sandbox.Credentials.Ga4PropertyId, ServiceAccountKeyJson = sandbox.Credentials.GoogleServiceAccountKeyJson, FirstRunDays = 14 } },
                },
            },
        });

        var first = await RunWithConfigAsync("sync");
        var second = await RunWithConfigAsync("sync", "--source", "ga4", "--stream", "traffic_daily");
        var status = await RunWithConfigAsync("status", "--runs", "50");

        Assert.That(first.ExitCode, Is.EqualTo(ExitCodes.Ok), first.Error);
        Assert.That(first.Out, Does.Contain("traffic_daily").And.Contain("users_daily").And.Contain("Succeeded").And.Not.Contain("Failed"));
        Assert.That(second.ExitCode, Is.EqualTo(ExitCodes.Ok), second.Error);
        Assert.That(second.Out, Does.Contain("traffic_daily").And.Not.Contain("users_daily"));
        Assert.That(status.Out, Does.Contain("Stream state").And.Contain("Hours since").And.Contain("ga4_traffic_daily"));
        Assert.That(status.Out, Does.Match(@"traffic_daily\s+│\s+\d+\s+│\s+\d{4}-\d{2}-\d{2}\s+│\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\s+│\s+0\.\d\s+│\s+Succeeded"));
        Assert.That(first.Out + first.Error + second.Out + second.Error, Does.Not.Contain("PRIVATE KEY"));
    }

    [TestCase("--source", "nope", "source 'nope' is not configured")]
    [TestCase("--stream", "nope", "no configured source has a stream 'nope'")]
    public async Task Unknown_sources_and_streams_are_usage_errors(string option, string value, string message)
    {
        WriteConfig(new { Sources = new { Ga4 = new { Properties = new[] { new { PropertyId = "123", ServiceAccountKeyPath = "/nonexistent.json" } } } } });

        var result = await RunWithConfigAsync("sync", option, value);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(result.ErrorLines.Single(), Does.Contain(message));
    }

    [Test]
    public async Task A_backfill_range_must_be_ordered()
    {
        var result = await RunWithConfigAsync("sync", "--from", "2026-02-01", "--to", "2026-01-01");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(result.ErrorLines.Single(), Does.Contain("--from must not be after --to"));
    }

    [Test]
    public async Task A_source_that_refuses_its_credentials_fails_the_sync_with_one_line_and_no_secret()
    {
        const string WrongKey = "0123456789abcdef0123456789abcdef-us21";
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { World = WorldOptions.Demo with { StartDate = today.AddDays(-6), Days = 7 } });
        WriteConfig(new
        {
            Sources = new
            {
                Mailchimp = new { BaseUrl = sandbox.MailchimpBaseAddress, Accounts = new[] { new { ApiKey = WrongKey } } },
                Ga4 = new
                {
                    BaseUrl = sandbox.Ga4BaseAddress,
                    TokenUrl = sandbox.GoogleTokenUri,
                    Properties = new[] { new { PropertyId = sandbox.Credentials.Ga4PropertyId, ServiceAccountKeyJson = sandbox.Credentials.GoogleServiceAccountKeyJson, FirstRunDays = 7 } },
                },
            },
        });

        var result = await RunWithConfigAsync("sync");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed));
        Assert.That(result.ErrorLines.Last(), Does.StartWith("pipeline: error:").And.Contain("could not connect").And.Contain("Mailchimp"));
        Assert.That(result.Out, Does.Contain("traffic_daily").And.Contain("Succeeded"), "the other source still synced");
        Assert.That(result.Error + result.Out, Does.Not.Contain(WrongKey[..32]));
        Assert.That(result.Error, Does.Not.Contain("   at "), "no stack trace on the console");
        var log = string.Concat(Directory.GetFiles(LogFolder).Select(File.ReadAllText));
        Assert.That(log, Does.Contain("Command failed").And.Contain("\"@x\":"), "the log file keeps the exception");
        Assert.That(log, Does.Not.Contain(WrongKey[..32]));
    }

    [Test]
    public async Task A_missing_key_file_fails_the_sync_with_one_line_naming_it()
    {
        WriteConfig(new { Sources = new { Ga4 = new { Properties = new[] { new { PropertyId = "123", ServiceAccountKeyPath = Path.Combine(Folder, "missing-key.json") } } } } });

        var result = await RunWithConfigAsync("sync");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed));
        Assert.That(result.ErrorLines.Last(), Does.StartWith("pipeline: error:").And.Contain("missing-key.json"));
    }
}
