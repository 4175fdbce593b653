using System.Text.Json.Nodes;
using Pipeline.Sandbox.World;

namespace Pipeline.Connectors.Meta.Tests;

/// <summary>
/// Graph leaves keys out rather than sending null or empty values. Each case rewrites the sandbox's answer into a shape
/// the real API sends and checks the connector loads it as what it means (not a crash, not a reject).
/// </summary>
public sealed class MetaAbsentKeysTests
{
    [Test]
    public async Task Pages_without_a_data_key_load_nothing_and_the_run_succeeds()
    {
        // Insights of a window without delivery and an edge without objects may come back as {} (no data, no paging).
        await using var h = await MetaHarness.StartAsync(
            WorldOptions.Demo with { Days = 5 },
            rewriteBody: (request, body) => JsonNode.Parse(body) is JsonObject o && o.ContainsKey("data") ? "{}" : body);

        var summaries = await h.SyncAsync("r1");

        Assert.That(summaries.All(s => s.Succeeded), Is.True, MetaHarness.Errors(summaries));
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM staging.meta_insights_daily"), Is.Zero);
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM staging.meta_campaigns"), Is.Zero);
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM etl.rejected_records"), Is.Zero);
    }

    [Test]
    public async Task Rows_without_actions_reach_or_frequency_load_with_zero_actions_and_null_reach()
    {
        await using var h = await MetaHarness.StartAsync(
            WorldOptions.Demo with { Days = 5 },
            rewriteBody: (request, body) =>
            {
                if (JsonNode.Parse(body) is not JsonObject { } page || page["data"] is not JsonArray rows || !request.RequestUri!.AbsolutePath.EndsWith("/insights", StringComparison.Ordinal))
                {
                    return body;
                }

                foreach (var row in rows.OfType<JsonObject>())
                {
                    foreach (var key in new[] { "actions", "action_values", "cost_per_action_type", "reach", "frequency" })
                    {
                        row.Remove(key);
                    }
                }

                return page.ToJsonString();
            });

        var summaries = await h.SyncAsync("r1");

        Assert.That(summaries.All(s => s.Succeeded), Is.True, MetaHarness.Errors(summaries));
        var (rows, reach, purchases, raw) = (await h.QueryAsync<(long, long, decimal, long)>(
            "SELECT count(*), count(reach), coalesce(sum(actions_purchase), -1), count(actions) FROM staging.meta_insights_daily")).Single();
        Assert.That(rows, Is.GreaterThan(0));
        Assert.That((reach, purchases, raw), Is.EqualTo((0L, 0m, 0L)), "absent reach is unknown (null); absent actions are zero, not missing rows");
        var spend = await h.ScalarAsync<decimal>("SELECT sum(spend) FROM staging.meta_insights_daily");
        var world = h.Sandbox.World;
        var truth = world.Meta.Accounts.Sum(a => world.Truth.MetaSpend(a.AccountId, world.Options.StartDate, world.Today));
        Assert.That(spend, Is.EqualTo(truth));
    }
}
