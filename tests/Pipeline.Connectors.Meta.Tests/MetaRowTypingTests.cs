using System.Text.Json.Nodes;
using Pipeline.Sandbox.World;

namespace Pipeline.Connectors.Meta.Tests;

/// <summary>
/// Insights rows are typed straight from the response stream. Rows that do not type are rejected with a one-line
/// reason and their JSON, and the rest of the page still loads; what does type keeps Graph's rules (numbers as
/// strings or numbers, the last of a repeated member, the raw actions array as sent).
/// </summary>
public sealed class MetaRowTypingTests
{
    [Test]
    public async Task Rows_that_do_not_type_are_rejected_with_their_reason_and_json_and_the_rest_of_the_page_loads()
    {
        var rewritten = 0;
        var broken = new List<JsonNode>();
        string? keptActions = null;
        string? account = null;
        await using var h = await MetaHarness.StartAsync(
            WorldOptions.Demo with { Days = 5 },
            configure: (options, sandbox) => account = options.AdAccountIds[0],
            rewriteBody: (request, body) =>
            {
                // The first page of one account's unbroken-down stream (the synchronous GET: 5 days are below
                // SyncMaxDays), each time it is served (a page that fails to parse is fetched again).
                if (!request.RequestUri!.AbsolutePath.EndsWith($"act_{account}/insights", StringComparison.Ordinal)
                    || request.RequestUri.Query.Contains("breakdowns", StringComparison.Ordinal)
                    || request.RequestUri.Query.Contains("after=", StringComparison.Ordinal)
                    || JsonNode.Parse(body) is not JsonObject page
                    || page["data"] is not JsonArray { Count: >= 8 } rows)
                {
                    return body;
                }

                Interlocked.Increment(ref rewritten);
                broken.Clear();
                rows[0]!["spend"] = "12,5";
                rows[1]!["date_start"] = "05/03/2024";
                rows[2]!["impressions"] = "many";
                rows[3]!["actions"] = "none";
                rows[4]!["actions"] = new JsonArray(new JsonObject { ["action_type"] = "purchase", ["value"] = "n/a" });
                broken.AddRange(rows.Take(5).Select(r => r!.DeepClone()));
                rows[5]!["spend"] = "REPEATED";
                rows[6]!["impressions"] = 1234; // a JSON number, not a string
                rows[7]!["actions"] = new JsonArray(
                    new JsonObject { ["action_type"] = "purchase", ["value"] = "3", ["1d_view"] = "1" },
                    new JsonObject { ["action_type"] = "odd \"type\"", ["value"] = "2", ["nested"] = new JsonObject { ["a"] = new JsonArray(1, "x") } });
                keptActions = rows[7]!["actions"]!.ToJsonString();
                return page.ToJsonString().Replace("\"REPEATED\"", "\"99\",\"spend\":7.2531", StringComparison.Ordinal);
            });

        var summaries = await h.SyncAsync("r1");

        Assert.That(rewritten, Is.GreaterThan(0), "a page was rewritten");
        var rejects = await h.QueryAsync<(string Reason, string Payload)>(
            "SELECT reason, payload FROM etl.rejected_records WHERE stream = 'insights_daily' ORDER BY id");
        Assert.That(rejects.Select(r => r.Reason), Is.EqualTo(new[]
        {
            "spend '12,5' is not a number",
            "date_start '05/03/2024' is not yyyy-MM-dd",
            "impressions 'many' is not an integer",
            "actions is not an array",
            "actions purchase value 'n/a' is not a number",
        }));
        Assert.That(rejects.Select(r => JsonNode.DeepEquals(JsonNode.Parse(r.Payload), broken[rejects.IndexOf(r)])), Is.All.True, "each reject keeps its row's JSON");
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM etl.rejected_records"), Is.EqualTo(5), "no other row was rejected");
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM staging.meta_insights_daily WHERE spend = 7.2531"), Is.EqualTo(1), "a repeated member: the last one counts");
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM staging.meta_insights_daily WHERE impressions = 1234"), Is.EqualTo(1), "numbers may come as JSON numbers");
        var (raw, purchases) = (await h.QueryAsync<(string, decimal)>(
            "SELECT actions::VARCHAR, actions_purchase FROM staging.meta_insights_daily WHERE actions::VARCHAR LIKE '%odd%'")).Single();
        Assert.That(raw, Is.EqualTo(keptActions), "the raw actions array as sent, escapes and nested values included");
        Assert.That(purchases, Is.EqualTo(3m));
        Assert.That(summaries.All(s => s.Succeeded), Is.True, MetaHarness.Errors(summaries));
    }
}
