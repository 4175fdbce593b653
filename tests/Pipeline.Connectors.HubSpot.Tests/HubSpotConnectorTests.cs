using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Connectors.Http;
using Pipeline.Etl.Sync;
using Pipeline.Sandbox;
using Pipeline.Sandbox.Faults;
using Pipeline.Sandbox.World;
using Pipeline.Warehouse;

namespace Pipeline.Connectors.HubSpot.Tests;

public sealed class HubSpotConnectorTests
{
    [Test]
    public async Task First_sync_matches_ground_truth_marks_archived_deals_and_stores_no_raw_email()
    {
        await using var h = await HubSpotTest.StartAsync(configure: o => o.CompanyProperties = ["industry"]);

        HubSpotTest.AssertSucceeded(await h.SyncAsync("r1"));

        await HubSpotTest.AssertTruthAsync(h);
        var crm = h.Sandbox.World.Crm;
        var archivedIds = Enumerable.Range(0, crm.Count(CrmObjectType.Deals)).Select(i => crm.Core(CrmObjectType.Deals, i))
            .Where(c => c.Archived).Select(c => c.Id.ToString(CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal).ToList();
        Assert.That(archivedIds, Is.Not.Empty, "the world has archived deals");
        var marked = await h.QueryAsync<string>("SELECT id FROM staging.hubspot_deals WHERE archived AND archived_at IS NOT NULL ORDER BY id");
        Assert.That(marked, Is.EqualTo(archivedIds), "archived deals are kept and marked");

        // A contact's hash is the SHA-256 of its trimmed, lower-cased address; the address itself is nowhere.
        var email = crm.Properties(CrmObjectType.Contacts, 0)["email"]!;
        var hash = await h.ScalarAsync<string>("SELECT email_sha256 FROM staging.hubspot_contacts WHERE id = $id", new { id = CrmWorld.ContactIdBase.ToString(CultureInfo.InvariantCulture) });
        Assert.That(hash, Is.EqualTo(HubSpotEmailHash.Sha256(" " + email.ToUpperInvariant() + " ")));
        await AssertNoRawEmailAsync(h);

        // A configured extra property lands as a text column.
        var industry = await h.ScalarAsync<string>("SELECT industry FROM staging.hubspot_companies WHERE id = $id", new { id = CrmWorld.CompanyIdBase.ToString(CultureInfo.InvariantCulture) });
        Assert.That(industry, Is.EqualTo(crm.Properties(CrmObjectType.Companies, 0)["industry"]));

        // Stage entry dates and pipeline stages.
        var stages = await h.QueryAsync<(string Stage, bool Closed, double Probability)>("SELECT stage_id, is_closed, probability FROM staging.hubspot_deal_pipelines ORDER BY stage_display_order");
        Assert.That(stages, Is.EqualTo(CrmWorld.Stages.Select(s => (s.Id, s.IsClosed, s.Probability)).ToList()));
        var wonWithDate = await h.ScalarAsync<long>("SELECT count(*) FROM staging.hubspot_deals WHERE hs_is_closed_won AND json_extract_string(stage_entered_at, '$.closedwon') IS NOT NULL");
        Assert.That(wonWithDate, Is.EqualTo(h.Sandbox.World.Truth.HubSpotDeals(false).ClosedWonCount + h.Sandbox.World.Truth.HubSpotDeals(true).ClosedWonCount));
    }

    [Test]
    public async Task An_incremental_run_over_10000_modified_contacts_restarts_on_object_id()
    {
        var recorder = new HubSpotRecorder();
        await using var h = await HubSpotTest.StartAsync(
            WorldOptions.Demo with { Days = 30, Contacts = 10_500 },
            o => o.Accounts[0].SearchRequestsPerSecond = 100,
            recorder.AddTo,
            s => s with { HubSpotRequestsPerTenSeconds = 100_000, HubSpotSearchRequestsPerSecond = 1000 });
        // An earlier run committed a cursor long ago: every contact has been modified since.
        await HubSpotTest.SeedCursorAsync(h, "contacts", "2020-01-01T00:00:00.000000Z");

        HubSpotTest.AssertSucceeded(await h.SyncAsync(new SyncRequest("r2") { Streams = new HashSet<string> { "contacts" } }));

        var (rows, ids) = (await h.QueryAsync<(long, long)>("SELECT count(*), count(DISTINCT id) FROM staging.hubspot_contacts")).Single();
        Assert.That(rows, Is.EqualTo(10_500));
        Assert.That(ids, Is.EqualTo(10_500));
        var searches = recorder.Snapshot().Where(r => r.Path.EndsWith("/contacts/search", StringComparison.Ordinal)).Select(r => JsonNode.Parse(r.Body!)!).ToList();
        Assert.That(searches, Has.Count.GreaterThan(10_000 / 200), "read by search, not by listing");
        Assert.That(searches.Select(s => s["filterGroups"]![0]!["filters"]![0]!["propertyName"]!.GetValue<string>()).Distinct(), Is.EqualTo(new[] { "lastmodifieddate" }));
        Assert.That(searches.Select(s => s["after"]?.ToString()).Where(a => a is not null).Select(a => int.Parse(a!, CultureInfo.InvariantCulture)), Has.All.LessThan(10_000));
        var restarts = searches.Where(s => s["after"] is null && s["filterGroups"]![0]!["filters"]!.AsArray()
            .Any(f => f!["propertyName"]!.GetValue<string>() == "hs_object_id" && f["operator"]!.GetValue<string>() == "GT")).ToList();
        Assert.That(restarts, Has.Count.EqualTo(1), "one restart after 10,000 results");
        var lastOfFirstQuery = CrmWorld.ContactIdBase + 9_999;
        Assert.That(restarts[0]["filterGroups"]![0]!["filters"]![1]!["value"]!.GetValue<string>(), Is.EqualTo(lastOfFirstQuery.ToString(CultureInfo.InvariantCulture)), "the restart continues after the last id read");
    }

    [Test]
    public async Task An_association_change_without_a_modified_date_change_is_picked_up()
    {
        var recorder = new HubSpotRecorder();
        await using var h = await HubSpotTest.StartAsync(services: recorder.AddTo);
        HubSpotTest.AssertSucceeded(await h.SyncAsync("r1"));
        var cursor = DateTimeOffset.Parse((await HubSpotTest.CursorAsync(h, "deal_associations"))!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

        // The sandbox cannot move an association, so the test moves one in the API's answer: a deal modified within the
        // last 30 days but before the cursor (search for "changed" deals alone would miss it) gets another contact.
        h.Clock.Advance(TimeSpan.FromHours(2));
        var now = h.Clock.GetUtcNow();
        var crm = h.Sandbox.World.Crm;
        var deals = Enumerable.Range(0, crm.Count(CrmObjectType.Deals)).Select(i => crm.Core(CrmObjectType.Deals, i)).Where(c => !c.Archived).ToList();
        var moved = deals.First(c => c.UpdatedAt > now.AddDays(-29) && c.UpdatedAt < cursor.AddHours(-3));
        var stale = deals.First(c => c.UpdatedAt < now.AddDays(-31));
        var movedId = moved.Id.ToString(CultureInfo.InvariantCulture);
        var newContact = CrmWorld.ContactIdBase + ((crm.ContactOfDeal(moved.Index) + 7) % crm.Count(CrmObjectType.Contacts));
        recorder.RewriteResponse = (path, body) =>
        {
            if (!path.EndsWith("/associations/deals/contacts/batch/read", StringComparison.Ordinal))
            {
                return body;
            }

            var json = JsonNode.Parse(body)!;
            foreach (var result in json["results"]!.AsArray())
            {
                if (result!["from"]!["id"]!.GetValue<string>() == movedId)
                {
                    result["to"]![0]!["toObjectId"] = newContact;
                }
            }

            return json.ToJsonString();
        };
        recorder.Clear();

        HubSpotTest.AssertSucceeded(await h.SyncAsync("r2"));

        var ids = await h.ScalarAsync<string>("SELECT to_object_ids FROM staging.hubspot_deal_associations WHERE deal_id = $movedId AND to_object_type = 'contacts'", new { movedId });
        Assert.That(ids, Is.EqualTo($"[\"{newContact.ToString(CultureInfo.InvariantCulture)}\"]"), "the old contact is gone, the new one is there");
        var requested = recorder.Snapshot().Where(r => r.Path.Contains("/associations/deals/", StringComparison.Ordinal))
            .SelectMany(r => JsonNode.Parse(r.Body!)!["inputs"]!.AsArray().Select(i => i!["id"]!.GetValue<string>())).ToHashSet();
        Assert.That(requested, Does.Contain(movedId));
        Assert.That(requested, Does.Not.Contain(stale.Id.ToString(CultureInfo.InvariantCulture)), "deals untouched for longer than the refresh window are not re-read");

        // Later runs search companies and deals on hs_lastmodifieddate, contacts on lastmodifieddate.
        var searches = recorder.Snapshot().Where(r => r.Path.EndsWith("/search", StringComparison.Ordinal))
            .Select(r => (Object: r.Path.Split('/')[^2], Property: JsonNode.Parse(r.Body!)!["filterGroups"]![0]!["filters"]![0]!["propertyName"]!.GetValue<string>()))
            .Distinct().OrderBy(x => x.Object, StringComparer.Ordinal).ToList();
        Assert.That(searches, Is.EqualTo(new[] { ("companies", "hs_lastmodifieddate"), ("contacts", "lastmodifieddate"), ("deals", "hs_lastmodifieddate") }));
        await HubSpotTest.AssertTruthAsync(h);
    }

    [Test]
    public async Task A_daily_limit_stops_the_run_cleanly_and_the_next_run_resumes()
    {
        await using var h = await HubSpotTest.StartAsync();
        HubSpotTest.AssertSucceeded(await h.SyncAsync(new SyncRequest("r1") { Streams = new HashSet<string> { "contacts" } }));
        var contactsCursor = await HubSpotTest.CursorAsync(h, "contacts");
        var contacts = await h.ScalarAsync<long>("SELECT count(*) FROM staging.hubspot_contacts");

        h.Sandbox.Faults.ForceNext(SandboxApi.HubSpot, FaultKind.QuotaExhausted, 1);
        var before = h.Sandbox.RequestCount(SandboxApi.HubSpot);
        var stopped = await h.SyncAsync("r2");

        var windows = stopped.SelectMany(s => s.Windows).ToList();
        Assert.That(windows, Has.Count.EqualTo(5));
        Assert.That(windows, Has.All.Matches<WindowOutcome>(w => w.Status == SyncRunStatus.Failed && w.Error!.Contains("DAILY", StringComparison.Ordinal)));
        Assert.That(h.Sandbox.RequestCount(SandboxApi.HubSpot) - before, Is.EqualTo(1), "after the DAILY 429 no stream calls HubSpot again");
        Assert.That(await HubSpotTest.CursorAsync(h, "contacts"), Is.EqualTo(contactsCursor), "committed state is kept");
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM staging.hubspot_contacts"), Is.EqualTo(contacts));
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM etl.sync_state WHERE stream <> 'contacts'"), Is.Zero);

        h.Clock.Advance(TimeSpan.FromDays(1));
        HubSpotTest.AssertSucceeded(await h.SyncAsync("r3"));
        await HubSpotTest.AssertTruthAsync(h);
    }

    [Test]
    public async Task The_default_limiter_stays_under_the_sandbox_default_limits_without_429s()
    {
        // Sandbox at its defaults (100 requests / 10 s, search 5 / s); the connector at its defaults (100 / 10 s, search 4 / s).
        var counters = new ApiCallCounters();
        await using var h = await HubSpotTest.StartAsync(
            configure: o =>
            {
                o.PageSize = 7;
                o.SearchPageSize = 10;
                o.RollingWindowWait = TimeSpan.FromSeconds(10);
                o.SecondlyWait = TimeSpan.FromSeconds(1);
            },
            services: s => s.AddSingleton(counters));
        await HubSpotTest.SeedCursorAsync(h, "companies", "2020-01-01T00:00:00.000000Z");

        HubSpotTest.AssertSucceeded(await h.SyncAsync(new SyncRequest("r1") { Streams = new HashSet<string> { "contacts", "companies" } }));

        var stats = counters.Snapshot().Values.Single();
        Assert.That(stats.Requests, Is.GreaterThan(125), "well over one burst window of requests (115 contact pages, 12 searches)");
        Assert.That(stats.ByStatus.Keys, Is.EqualTo(new[] { 200 }), "no 429 (nor anything else)");
        Assert.That(stats.Retries, Is.Zero);
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM staging.hubspot_contacts"), Is.EqualTo(h.Sandbox.World.Options.Contacts));
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM staging.hubspot_companies"), Is.EqualTo(h.Sandbox.World.Options.Companies));
    }

    [Test]
    public async Task An_oauth_access_token_is_refreshed_after_a_401()
    {
        var recorder = new HubSpotRecorder();
        var tokenCalls = 0;
        string? sandboxToken = null;
        recorder.Answer = request =>
        {
            if (!request.RequestUri!.AbsolutePath.EndsWith("/oauth/v1/token", StringComparison.Ordinal))
            {
                return null;
            }

            Interlocked.Increment(ref tokenCalls);
            var form = request.Content!.ReadAsStringAsync().GetAwaiter().GetResult();
            Assert.That(form, Does.Contain("grant_type=refresh_token").And.Contain("refresh_token=rt-1"));
            return HubSpotRecorder.Json($"{{\"access_token\":\"{sandboxToken}\",\"expires_in\":1800,\"refresh_token\":\"rt-1\"}}");
        };
        await using var h = await HubSpotTest.StartAsync(
            configure: o => o.Accounts[0] = new HubSpotAccountOptions
            {
                PortalId = o.Accounts[0].PortalId,
                OAuth = new HubSpotOAuthOptions { ClientId = "client", ClientSecret = "secret", RefreshToken = "rt-1", TokenUrl = new Uri(o.BaseUrl!, "oauth/v1/token") },
            },
            services: recorder.AddTo);
        sandboxToken = h.Sandbox.Credentials.HubSpotAccessToken;

        h.Sandbox.Faults.ForceNext(SandboxApi.HubSpot, FaultKind.ExpiredToken, 1);
        HubSpotTest.AssertSucceeded(await h.SyncAsync(new SyncRequest("r1") { Streams = new HashSet<string> { "companies" } }));

        Assert.That(tokenCalls, Is.EqualTo(2), "one token at the start, one after the 401");
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM staging.hubspot_companies"), Is.EqualTo(h.Sandbox.World.Options.Companies));
    }

    [Test]
    public async Task Unknown_extra_properties_are_a_clear_error_where_the_properties_endpoint_answers()
    {
        var recorder = new HubSpotRecorder
        {
            Answer = request => request.RequestUri!.AbsolutePath.EndsWith("/crm/v3/properties/contacts", StringComparison.Ordinal)
                ? HubSpotRecorder.Json("{\"results\":[{\"name\":\"email\"},{\"name\":\"firstname\"},{\"name\":\"hs_lead_status\"}]}")
                : null,
        };
        await using var h = await HubSpotTest.StartAsync(configure: o => o.ContactProperties = ["firstname", "favourite_colour"], services: recorder.AddTo);

        Assert.That(
            async () => await h.Source.ConnectAsync(),
            Throws.TypeOf<HubSpotConfigException>().With.Message.Contains("'favourite_colour'").And.Message.Not.Contains("'firstname'"));
    }

    [Test]
    public async Task A_configured_portal_id_that_is_not_the_tokens_portal_is_refused_naming_both()
    {
        await using var h = await HubSpotTest.StartAsync(configure: o => o.Accounts[0].PortalId = "1234567");
        var actual = h.Sandbox.Credentials.HubSpotPortalId;

        var error = Assert.ThrowsAsync<HubSpotConfigException>(async () => await h.Source.ConnectAsync());

        Assert.That(error!.Message, Does.Contain("PortalId 1234567").And.Contain($"portal {actual}").And.Not.Contain("\n"));
        Assert.That(actual, Is.Not.EqualTo("1234567"));
    }

    [Test]
    public async Task The_configured_portal_id_of_the_tokens_portal_is_the_account_id_with_the_portals_time_zone()
    {
        await using var h = await HubSpotTest.StartAsync();
        var connection = (await h.Source.ConnectAsync()).Single();
        await using (connection)
        {
            Assert.That(connection.AccountId, Is.EqualTo(h.Sandbox.Credentials.HubSpotPortalId));
            Assert.That(connection.TimeZone.Id, Is.EqualTo("Europe/Berlin"), "the verified portal's own time zone, as without PortalId");
        }
    }

    [Test]
    public async Task The_portal_id_comes_from_account_info_and_unknown_properties_are_refused_by_the_sandbox()
    {
        await using (var h = await HubSpotTest.StartAsync(configure: o => o.Accounts[0].PortalId = null))
        {
            var connection = (await h.Source.ConnectAsync()).Single();
            await using (connection)
            {
                Assert.That(connection.AccountId, Is.EqualTo(h.Sandbox.World.Crm.PortalId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                Assert.That(connection.TimeZone.Id, Is.EqualTo("Europe/Berlin"));
            }
        }

        await using var unknown = await HubSpotTest.StartAsync(configure: o => o.ContactProperties = ["firstname", "favourite_colour"]);
        Assert.That(
            async () => await unknown.Source.ConnectAsync(),
            Throws.TypeOf<HubSpotConfigException>().With.Message.Contains("'favourite_colour'").And.Message.Not.Contains("'firstname'"));
    }

    [Test]
    public async Task Extra_properties_land_as_text_columns()
    {
        await using var h = await HubSpotTest.StartAsync(configure: o => o.ContactProperties = ["firstname"]);

        HubSpotTest.AssertSucceeded(await h.SyncAsync(new SyncRequest("r1") { Streams = new HashSet<string> { "contacts" } }));

        Assert.That(await h.ScalarAsync<string>("SELECT firstname FROM staging.hubspot_contacts ORDER BY CAST(id AS BIGINT) LIMIT 1"), Is.EqualTo(h.Sandbox.World.Crm.Properties(CrmObjectType.Contacts, 0)["firstname"]));
    }

    /// <summary>No text column of any staging table, and no rejected payload, holds anything that looks like an address.</summary>
    private static async Task AssertNoRawEmailAsync(Conformance.ConformanceHarness h)
    {
        var columns = await h.QueryAsync<(string Table, string Column)>(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'staging' AND table_name LIKE 'hubspot_%' AND data_type = 'VARCHAR'");
        Assert.That(columns, Is.Not.Empty);
        foreach (var (table, column) in columns)
        {
            var hits = await h.ScalarAsync<long>($"SELECT count(*) FROM staging.\"{table}\" WHERE \"{column}\" LIKE '%@%'");
            Assert.That(hits, Is.Zero, $"{table}.{column} holds an address");
        }

        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM etl.rejected_records WHERE payload LIKE '%@%'"), Is.Zero);
    }
}
