using Pipeline.Connectors.Modules;
using Pipeline.Etl.Alerts;
using Pipeline.Scheduling.Tests.Support;

namespace Pipeline.Scheduling.Tests;

/// <summary><c>pipeline status</c> lists the platform API versions the configured sources call, with their published end.</summary>
public sealed class ApiVersionStatusTests : TestFolder
{
    private string warehousePath = "";

    [SetUp]
    public async Task CreateWarehouse()
    {
        warehousePath = Path.Combine(Folder, "data", "warehouse.duckdb");
        await WarehouseTemplate.CopyToAsync(warehousePath);
    }

    private string ConfigWithMeta(string apiVersion) => CliRunner.WriteConfig(Folder, new Dictionary<string, object>
    {
        ["Warehouse"] = new { DuckDb = new { Path = warehousePath } },
        ["Logging"] = new { Directory = "" },
        ["Sources"] = new
        {
            Meta = new { ApiVersion = apiVersion, AccessToken = "test-token", AdAccountIds = new[] { "123" } },
            Mailchimp = new { Accounts = new[] { new { ApiKey = "0123456789abcdef0123456789abcdef-us21" } } },
        },
    });

    [Test]
    public async Task Status_lists_the_configured_Meta_version_and_every_configured_source_api()
    {
        // v26.0 has no announced end in the table, whatever day the test runs.
        var result = await CliRunner.RunAsync("status", "--config", ConfigWithMeta("v26.0"));

        Assert.That(result.Out, Does.Contain("API versions (end-of-life table as of " + ApiLifecycle.AsOf.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)), result.Error);
        Assert.That(result.Out, Does.Match(@"meta\s+│\s+Meta Marketing API\s+│\s+v26\.0\s+│\s+no announced end"));
        Assert.That(result.Out, Does.Match(@"mailchimp\s+│\s+Mailchimp Marketing API\s+│\s+3\.0\s+│\s+no announced end"));
        Assert.That(result.Error, Does.Not.Contain("API version"));
    }

    [Test]
    public async Task A_version_past_its_end_is_marked_and_warned_on_stderr_once()
    {
        var result = await CliRunner.RunAsync("status", "--config", ConfigWithMeta("v19.0"));

        Assert.That(result.Out, Does.Match(@"v19\.0\s+│\s+2025-02-04\s+│\s+⚠ ENDED"), result.Error);
        var warnings = result.Error.Split('\n').Where(l => l.Contains("warning: API version", StringComparison.Ordinal)).ToList();
        Assert.That(warnings, Has.Count.EqualTo(1), result.Error);
        Assert.That(warnings[0], Does.Contain("meta Meta Marketing API v19.0 ended 2025-02-04").And.Not.Contain("Mailchimp"));
    }

    [Test]
    public async Task A_version_missing_from_the_table_is_unknown_and_not_warned()
    {
        var result = await CliRunner.RunAsync("status", "--config", ConfigWithMeta("v99.0"));

        Assert.That(result.Out, Does.Match(@"Meta Marketing API\s+│\s+v99\.0\s+│\s+unknown"), result.Error);
        Assert.That(result.Error, Does.Not.Contain("API version"));
    }

    [Test]
    public void Warning_starts_90_days_before_the_end()
    {
        var use = new ApiVersionInUse("Meta Marketing API", "v25.0"); // ends 2027-02-23
        Assert.Multiple(() =>
        {
            Assert.That(ApiLifecycle.Check("meta", use, new DateOnly(2026, 11, 24)).Warn, Is.False, "91 days ahead");
            Assert.That(ApiLifecycle.Check("meta", use, new DateOnly(2026, 11, 25)) is { Warn: true, DaysLeft: 90 }, "90 days ahead");
            Assert.That(ApiLifecycle.Check("meta", use, new DateOnly(2027, 3, 1)).Describe(), Is.EqualTo("meta Meta Marketing API v25.0 ended 2027-02-23"));
            Assert.That(ApiLifecycle.Check("ga4", new("GA4 Data API", "v1beta"), new DateOnly(2099, 1, 1)) is { Warn: false, End: ApiLifecycle.NoAnnouncedEnd });
        });
    }
}

/// <summary>The scheduler's alert path for API versions: once when the end is near, once more when it has passed.</summary>
public sealed class ApiVersionAlertTests
{
    [Test]
    public async Task A_version_near_its_end_is_alerted_once_and_again_once_it_ended()
    {
        var sink = new RecordingSink();
        var state = new DictionaryAlertState();
        var alerts = new ApiVersionAlerts(sink);
        var use = new ApiVersionInUse("Meta Marketing API", "v25.0"); // ends 2027-02-23
        IReadOnlyList<ApiVersionCheck> On(int year, int month, int day) => [ApiLifecycle.Check("meta", use, new DateOnly(year, month, day)), ApiLifecycle.Check("ga4", new("GA4 Data API", "v1beta"), new DateOnly(year, month, day))];

        Assert.That(await alerts.RunAsync(On(2026, 11, 1), state), Is.Zero, "114 days ahead");
        Assert.That(await alerts.RunAsync(On(2026, 12, 4), state), Is.EqualTo(1));
        Assert.That(await alerts.RunAsync(On(2026, 12, 5), state), Is.Zero, "already alerted");
        Assert.That(await alerts.RunAsync(On(2027, 3, 1), state), Is.EqualTo(1), "ended");
        Assert.That(await alerts.RunAsync(On(2027, 3, 2), state), Is.Zero);

        Assert.That(sink.Alerts.Select(a => (a.Kind, a.Source)), Is.All.EqualTo((AlertKind.ApiVersion, "meta")));
        Assert.That(sink.Alerts[0].Title, Is.EqualTo("meta Meta Marketing API v25.0 ends 2027-02-23 (81 days): move to a newer version"));
        Assert.That(sink.Alerts[1].Title, Does.StartWith("meta Meta Marketing API v25.0 ended 2027-02-23"));
    }
}
