using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Pipeline.Reliability.Tests.Infrastructure;

namespace Pipeline.Reliability.Tests;

/// <summary>
/// Configured names become column and table names (GA4 custom reports, HubSpot extra properties, Meta action types
/// and breakdowns; CSV headers are in the bad-input corpus). A name that tries to break out of its identifier is
/// refused by <c>config check</c> and by <c>sync</c> with exit 2 and the key it came from, before any SQL runs:
/// the warehouse file is byte for byte what it was.
/// </summary>
public sealed class IdentifierInjectionTests
{
    private const string Breakout = "\" VARCHAR); DROP TABLE etl.sync_state; --";

    private static IEnumerable<TestCaseData> Names()
    {
        yield return Case("GA4 custom dimension", "Sources:Ga4:CustomReports:0:Dimensions:0", Ga4(report => report["Dimensions"] = new JsonArray("deviceCategory" + Breakout)));
        yield return Case("GA4 custom metric", "Sources:Ga4:CustomReports:0:Metrics:0", Ga4(report => report["Metrics"] = new JsonArray("sessions); DELETE FROM etl.sync_runs; --")));
        yield return Case("GA4 custom report name", "Sources:Ga4:CustomReports:0:Name", Ga4(report => report["Name"] = "by_device" + Breakout));
        yield return Case("HubSpot contact property", "Sources:HubSpot:ContactProperties:0", HubSpot("ContactProperties", "firstname" + Breakout));
        yield return Case("HubSpot deal property", "Sources:HubSpot:DealProperties:0", HubSpot("DealProperties", "amount`; DROP SCHEMA staging CASCADE; --"));
        yield return Case("Meta action type", "Sources:Meta:ActionTypes:0", Meta("ActionTypes", "purchase" + Breakout));
        yield return Case("Meta breakdown", "Sources:Meta:Breakdowns:0", Meta("Breakdowns", "country); DROP TABLE etl.sync_state; --"));
    }

    [TestCaseSource(nameof(Names))]
    public async Task A_name_breaking_out_of_its_identifier_is_refused_before_any_sql(string key, JsonObject sources)
    {
        var reference = await ReferenceWorld.GetAsync();
        using var folder = new TempFolder("injection");
        var warehouse = folder.File("warehouse.duckdb");
        File.Copy(reference.WarehousePath, warehouse);
        var before = await HashAsync(warehouse);
        var config = folder.File("pipeline.json");
        PipelineConfig.Write(config, PipelineConfig.Pipeline(warehouse, folder.File("logs"), sources));

        var check = await CliProcess.RunAsync(folder.Path, "config", "check", "--config", config);
        var sync = await CliProcess.RunAsync(folder.Path, "sync", "--config", config);

        Assert.That(check.ExitCode, Is.EqualTo(2), check.ToString());
        Assert.That(check.Error, Does.Contain(key), "config check names the key");
        Assert.That(sync.ExitCode, Is.EqualTo(2), sync.ToString());
        Assert.That(sync.ErrorLines, Has.Length.EqualTo(1).And.Some.Contain(key), "sync refuses with one line naming the key");
        Assert.That(await HashAsync(warehouse), Is.EqualTo(before), "the warehouse file is untouched");
    }

    private static TestCaseData Case(string name, string key, JsonObject sources) => new TestCaseData(key, sources).SetArgDisplayNames(name);

    private static JsonObject Ga4(Action<JsonObject> damage)
    {
        var report = new JsonObject { ["Name"] = "by_device", ["Dimensions"] = new JsonArray("deviceCategory"), ["Metrics"] = new JsonArray("sessions") };
        damage(report);
        return new JsonObject
        {
            ["Ga4"] = new JsonObject
            {
                ["Properties"] = new JsonArray(new JsonObject { ["PropertyId"] = "123456789", ["ServiceAccountKeyPath"] = "/nonexistent/key.json" }),
                ["CustomReports"] = new JsonArray(report),
            },
        };
    }

    private static JsonObject HubSpot(string key, string name) => new()
    {
        ["HubSpot"] = new JsonObject { ["Accounts"] = new JsonArray(new JsonObject { ["AccessToken"] = "pat-eu1-not-a-real-token" }), [key] = new JsonArray(name) },
    };

    private static JsonObject Meta(string key, string name) => new()
    {
        ["Meta"] = new JsonObject { ["AccessToken"] = "not-a-real-token", ["AdAccountIds"] = new JsonArray("act_1234567890"), [key] = new JsonArray(name) },
    };

    private static async Task<string> HashAsync(string path)
    {
        await using var file = File.OpenRead(path);
        return Convert.ToHexString(await SHA256.HashDataAsync(file));
    }
}
