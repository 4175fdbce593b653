using System.Text.Json.Nodes;
using Pipeline.Connectors.Streams;
using Pipeline.Sandbox.World;

namespace Pipeline.Connectors.Meta.Tests;

/// <summary>A first backfill starts at the ad account's <c>created_time</c>, read with the account node at connect.</summary>
public sealed class MetaDataStartTests
{
    [Test]
    public async Task The_first_backfill_of_each_ad_account_starts_on_its_created_day_and_reads_nothing_before()
    {
        var wire = new WireLog();
        // The default first run reaches 396 days back; the world's accounts were created days before its 30.
        await using var h = await MetaHarness.StartAsync(configure: (o, _) => o.FirstRunDays = 396, wire: wire);

        var summaries = await h.SyncAsync("r1");

        Assert.That(MetaHarness.Errors(summaries), Is.Empty);
        var reportStreams = h.Source.Streams.Where(s => s.Kind == StreamKind.Report).Select(s => s.Name).ToList();
        foreach (var account in h.Sandbox.World.Meta.Accounts)
        {
            var created = CreatedDay(account);
            var summary = summaries.Single(s => s.AccountId == account.AccountId);
            foreach (var stream in reportStreams)
            {
                var first = summary.Windows.First(w => w.Stream == stream).Range!.Value;
                Assert.That(first.From, Is.EqualTo(created), $"{account.AccountId} {stream}: the first window starts on the created day");
            }

            Assert.That(summary.Skipped.Select(s => s.Stream), Is.EquivalentTo(reportStreams), "every report stream says what it skipped");
            Assert.That(summary.Skipped.Select(s => s.DataStart).Distinct(), Is.EqualTo(new[] { created }));
            Assert.That(await h.ScalarAsync<string>("SELECT value FROM etl.alert_state WHERE key = $key", new { key = $"data_start:meta:{account.AccountId}" }),
                Is.EqualTo(created.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)), "kept in the state");
        }

        var earliest = h.Sandbox.World.Meta.Accounts.Min(CreatedDay);
        var ranges = wire.Entries.Where(e => e.Parameters.ContainsKey("time_range")).Select(e => e.Parameters["time_range"]).ToList();
        Assert.That(ranges, Is.Not.Empty);
        Assert.That(ranges.Select(r => DateOnly.Parse(JsonNode.Parse(r)!["since"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)),
            Has.All.GreaterThanOrEqualTo(earliest), "no insights request reaches before an account existed");
        Assert.That(wire.Entries.Count(e => e.Method == "GET" && e.Path.Split('/')[^1].StartsWith("act_", StringComparison.Ordinal)),
            Is.EqualTo(h.Sandbox.World.Meta.Accounts.Count), "the account node (and so created_time) is read once per account");
    }

    [Test]
    public async Task Without_created_time_the_configured_first_run_start_applies()
    {
        await using var h = await MetaHarness.StartAsync(
            configure: (o, _) => o.FirstRunDays = 60,
            rewriteBody: (request, body) => request.RequestUri!.AbsolutePath.Split('/')[^1].StartsWith("act_", StringComparison.Ordinal) && JsonNode.Parse(body) is JsonObject node
                ? Without(node, "created_time")
                : body);

        var summaries = await h.SyncAsync("r1");

        Assert.That(MetaHarness.Errors(summaries), Is.Empty);
        var today = h.Sandbox.World.Today;
        foreach (var summary in summaries)
        {
            Assert.That(summary.Skipped, Is.Empty);
            Assert.That(summary.Windows.First(w => w.Stream == "insights_daily").Range!.Value.From, Is.EqualTo(today.AddDays(-59)));
            Assert.That(await h.ScalarAsync<string>("SELECT value FROM etl.alert_state WHERE key = $key", new { key = $"data_start:meta:{summary.AccountId}" }),
                Is.EqualTo("none"), "an absent field is an answer too: not asked again");
        }
    }

    private static DateOnly CreatedDay(MetaAdAccount account) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(account.CreatedTime, TimeZoneInfo.FindSystemTimeZoneById(account.TimeZone)).DateTime);

    private static string Without(JsonObject node, string key)
    {
        node.Remove(key);
        return node.ToJsonString();
    }
}
