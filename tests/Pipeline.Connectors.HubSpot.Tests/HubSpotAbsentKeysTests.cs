using System.Text.Json.Nodes;

namespace Pipeline.Connectors.HubSpot.Tests;

/// <summary>
/// HubSpot leaves keys out (or sends null) where nothing applies. Each case rewrites the sandbox's answer into such a
/// shape and checks the connector loads it for what it means instead of failing the stream.
/// </summary>
public sealed class HubSpotAbsentKeysTests
{
    [Test]
    public async Task A_pipeline_without_stages_and_stages_without_metadata_load()
    {
        var recorder = new HubSpotRecorder
        {
            RewriteResponse = (path, body) =>
            {
                if (!path.EndsWith("/pipelines/deals", StringComparison.Ordinal))
                {
                    return body;
                }

                var json = JsonNode.Parse(body)!;
                var results = json["results"]!.AsArray();
                foreach (var stage in results[0]!["stages"]!.AsArray())
                {
                    stage!.AsObject().Remove("metadata");
                }

                results.Add(new JsonObject { ["id"] = "draft", ["label"] = "Draft pipeline", ["displayOrder"] = 9, ["archived"] = false });
                return json.ToJsonString();
            },
        };
        await using var h = await HubSpotTest.StartAsync(services: recorder.AddTo);

        HubSpotTest.AssertSucceeded(await h.SyncAsync("r1"));

        var stages = await h.QueryAsync<(string Pipeline, bool? Closed, double? Probability)>("SELECT pipeline_id, is_closed, probability FROM staging.hubspot_deal_pipelines");
        Assert.That(stages, Has.Count.EqualTo(Sandbox.World.CrmWorld.Stages.Count), "a pipeline without stages adds no stage rows");
        Assert.That(stages.Select(s => (s.Closed, s.Probability)).Distinct(), Is.EqualTo(new[] { ((bool?)null, (double?)null) }), "absent metadata is unknown, not false or 0");
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM etl.rejected_records"), Is.Zero);
    }

    [Test]
    public async Task Association_results_without_to_and_records_without_properties_load()
    {
        string? bareDeal = null;
        var toRemoved = 0;
        var recorder = new HubSpotRecorder
        {
            RewriteResponse = (path, body) =>
            {
                var json = JsonNode.Parse(body)!;
                // Only in the first batch: the world may have more deals than one batch read holds.
                if (path.EndsWith("/associations/deals/contacts/batch/read", StringComparison.Ordinal) && Interlocked.Exchange(ref toRemoved, 1) == 0)
                {
                    var first = json["results"]!.AsArray()[0]!.AsObject();
                    first.Remove("to");
                    return json.ToJsonString();
                }

                if (path.EndsWith("/crm/v3/objects/deals", StringComparison.Ordinal) && json["results"]!.AsArray().FirstOrDefault() is JsonObject deal)
                {
                    // A record whose every property is unset: HubSpot sends the property as null, or no properties object.
                    bareDeal ??= deal["id"]!.GetValue<string>();
                    if (deal["id"]!.GetValue<string>() == bareDeal)
                    {
                        deal.Remove("properties");
                    }

                    return json.ToJsonString();
                }

                return body;
            },
        };
        await using var h = await HubSpotTest.StartAsync(services: recorder.AddTo);

        HubSpotTest.AssertSucceeded(await h.SyncAsync("r1"));

        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM etl.rejected_records"), Is.Zero);
        var empty = await h.ScalarAsync<long>("SELECT count(*) FROM staging.hubspot_deal_associations WHERE to_object_type = 'contacts' AND association_count = 0");
        Assert.That(empty, Is.EqualTo(1), "a result without 'to' is a deal with no contacts");
        Assert.That(bareDeal, Is.Not.Null);
        var (amount, stage) = (await h.QueryAsync<(decimal?, string?)>("SELECT amount, dealstage FROM staging.hubspot_deals WHERE id = $bareDeal", new { bareDeal })).Single();
        Assert.That((amount, stage), Is.EqualTo(((decimal?)null, (string?)null)));
    }

    [Test]
    public async Task A_search_page_without_results_ends_the_incremental_read()
    {
        var recorder = new HubSpotRecorder();
        await using var h = await HubSpotTest.StartAsync(services: recorder.AddTo);
        HubSpotTest.AssertSucceeded(await h.SyncAsync("r1"));
        var contacts = await h.ScalarAsync<long>("SELECT count(*) FROM staging.hubspot_contacts");

        // Nothing changed since the cursor: {"total":0} with neither results nor paging.
        recorder.RewriteResponse = (path, body) => path.EndsWith("/search", StringComparison.Ordinal) ? "{\"total\":0}" : body;
        h.Clock.Advance(TimeSpan.FromHours(1));
        HubSpotTest.AssertSucceeded(await h.SyncAsync("r2"));

        Assert.That(recorder.Snapshot().Count(r => r.Path.EndsWith("/search", StringComparison.Ordinal)), Is.GreaterThan(0), "the second run searched");
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM staging.hubspot_contacts"), Is.EqualTo(contacts));
        Assert.That(await HubSpotTest.CursorAsync(h, "contacts"), Is.Not.Null);
    }
}
