using System.Net;
using System.Text.Json.Nodes;
using Pipeline.Sandbox.World;

namespace Pipeline.Sandbox.Tests;

public class HubSpotTests : SandboxFixture
{
    // Enough contacts for a search to pass the 10,000-result cap.
    protected override SandboxOptions Options => new() { World = WorldOptions.Demo with { Contacts = 10_500, Deals = 400 } };

    private string Token => Server.Credentials.HubSpotAccessToken;

    private static JsonObject Search(string property, string op, string value, int limit, long? after = null)
    {
        var body = new JsonObject
        {
            ["filterGroups"] = new JsonArray(new JsonObject { ["filters"] = new JsonArray(new JsonObject { ["propertyName"] = property, ["operator"] = op, ["value"] = value }) }),
            ["sorts"] = new JsonArray(new JsonObject { ["propertyName"] = "hs_object_id", ["direction"] = "ASCENDING" }),
            ["properties"] = new JsonArray("email", "lastmodifieddate", "hs_analytics_source"),
            ["limit"] = limit,
        };
        if (after is { } a)
        {
            body["after"] = a.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return body;
    }

    [Test]
    public async Task Account_info_and_property_definitions_are_served()
    {
        var (status, details) = await GetJson("hubspot/account-info/v3/details", Bearer(Token));
        var (propStatus, properties) = await GetJson("hubspot/crm/v3/properties/contacts", Bearer(Token));
        var (unauthorized, _) = await GetJson("hubspot/account-info/v3/details");

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(details["portalId"]!.GetValue<long>(), Is.EqualTo(Server.World.Crm.PortalId).And.GreaterThan(0));
        Assert.That(Str(details["timeZone"]), Is.EqualTo("Europe/Berlin"));
        Assert.That(propStatus, Is.EqualTo(HttpStatusCode.OK));
        var names = properties["results"]!.AsArray().Select(p => Str(p!["name"])).ToList();
        Assert.That(names, Does.Contain("lastmodifieddate").And.Contain("hs_analytics_source").And.Contain("email"));
        Assert.That(unauthorized, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Missing_token_gets_invalid_authentication()
    {
        var (status, body) = await GetJson("hubspot/crm/v3/objects/contacts");
        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(Str(body["status"]), Is.EqualTo("error"));
            Assert.That(Str(body["category"]), Is.EqualTo("INVALID_AUTHENTICATION"));
            Assert.That(Str(body["message"]), Is.Not.Empty);
        });
    }

    [Test]
    public async Task Deals_page_to_the_end_once_archived_separately_and_amounts_match_ground_truth()
    {
        async Task<List<JsonNode>> All(bool archived)
        {
            var rows = new List<JsonNode>();
            string? after = null;
            do
            {
                var (status, page) = await GetJson($"hubspot/crm/v3/objects/deals?limit=100&properties=amount,dealstage&archived={(archived ? "true" : "false")}" + (after is null ? "" : "&after=" + after), Bearer(Token));
                Assert.That(status, Is.EqualTo(HttpStatusCode.OK), page.ToJsonString());
                rows.AddRange(page["results"]!.AsArray().Select(r => r!));
                after = page["paging"]?["next"]?["after"]?.GetValue<string>();
            }
            while (after is not null);
            return rows;
        }

        var live = await All(false);
        var archived = await All(true);
        var truth = Server.World.Truth.HubSpotDeals();
        Assert.Multiple(() =>
        {
            Assert.That(live.Select(r => Str(r["id"])).Concat(archived.Select(r => Str(r["id"]))), Is.Unique);
            Assert.That(live.Count + archived.Count, Is.EqualTo(400));
            Assert.That(archived, Is.Not.Empty);
            Assert.That(archived.Select(r => r["archived"]!.GetValue<bool>()), Is.All.True);
            Assert.That(live, Has.Count.EqualTo(truth.Count));
            Assert.That(live.Sum(r => decimal.Parse(Str(r["properties"]!["amount"]), System.Globalization.CultureInfo.InvariantCulture)), Is.EqualTo(truth.Amount));
        });
    }

    [Test]
    public async Task Search_stops_at_ten_thousand_results_with_400()
    {
        var (status, first) = await PostJson("hubspot/crm/v3/objects/contacts/search", Search("hs_object_id", "GTE", "0", 200, 9_800), Bearer(Token));
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), first.ToJsonString());
        var next = long.Parse(Str(first["paging"]!["next"]!["after"]), System.Globalization.CultureInfo.InvariantCulture);
        var (beyond, error) = await PostJson("hubspot/crm/v3/objects/contacts/search", Search("hs_object_id", "GTE", "0", 200, next), Bearer(Token));

        Assert.Multiple(() =>
        {
            Assert.That(first["total"]!.GetValue<int>(), Is.EqualTo(10_500));
            Assert.That(next, Is.EqualTo(10_000));
            Assert.That(beyond, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(Str(error["status"]), Is.EqualTo("error"));
            Assert.That(Str(error["category"]), Is.EqualTo("VALIDATION_ERROR"));
        });
    }

    [Test]
    public async Task Search_on_the_modified_date_returns_exactly_the_changed_contacts()
    {
        var since = Server.World.AsOf.AddDays(-3);
        var sinceMs = since.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var (status, page) = await PostJson("hubspot/crm/v3/objects/contacts/search", Search("lastmodifieddate", "GTE", sinceMs, 200), Bearer(Token));
        var expected = Enumerable.Range(0, 10_500).Count(i => Server.World.Crm.Core(CrmObjectType.Contacts, i).UpdatedAt >= since);

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(page["total"]!.GetValue<int>(), Is.EqualTo(expected).And.GreaterThan(0));
            Assert.That(page["results"]!.AsArray().Select(r => DateTimeOffset.Parse(Str(r!["properties"]!["lastmodifieddate"]), System.Globalization.CultureInfo.InvariantCulture)), Is.All.GreaterThanOrEqualTo(since));
        });
    }

    [Test]
    public async Task Filtering_companies_on_the_contact_modified_property_silently_finds_nothing()
    {
        var (_, wrong) = await PostJson("hubspot/crm/v3/objects/companies/search", Search("lastmodifieddate", "GTE", "0", 10), Bearer(Token));
        var (_, right) = await PostJson("hubspot/crm/v3/objects/companies/search", Search("hs_lastmodifieddate", "GTE", "0", 10), Bearer(Token));
        Assert.Multiple(() =>
        {
            Assert.That(wrong["total"]!.GetValue<int>(), Is.Zero);
            Assert.That(right["total"]!.GetValue<int>(), Is.EqualTo(Server.World.Options.Companies));
        });
    }

    [Test]
    public async Task Pipelines_and_associations_have_hubspots_shapes()
    {
        var (_, pipelines) = await GetJson("hubspot/crm/v3/pipelines/deals", Bearer(Token));
        var deal = CrmWorld.DealIdBase + 5;
        var (status, associations) = await PostJson("hubspot/crm/v4/associations/deals/contacts/batch/read",
            new JsonObject { ["inputs"] = new JsonArray(new JsonObject { ["id"] = deal.ToString(System.Globalization.CultureInfo.InvariantCulture) }) }, Bearer(Token));

        var stage = pipelines["results"]![0]!["stages"]![0]!;
        var to = associations["results"]![0]!["to"]![0]!;
        Assert.Multiple(() =>
        {
            Assert.That(Str(stage["metadata"]!["isClosed"]), Is.EqualTo("false"));
            Assert.That(Str(stage["metadata"]!["probability"]), Does.Match(@"^\d\.\d$"));
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(to["toObjectId"]!.GetValue<long>(), Is.EqualTo(CrmWorld.ContactIdBase + Server.World.Crm.ContactOfDeal(5)));
            Assert.That(to["associationTypes"]![0]!["typeId"]!.GetValue<int>(), Is.EqualTo(3));
        });
    }
}

public class HubSpotRateLimitTests : SandboxFixture
{
    [Test]
    public async Task Burst_limit_is_100_per_ten_seconds_and_search_5_per_second()
    {
        var token = Server.Credentials.HubSpotAccessToken;
        var searches = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            searches.Add((await PostJson("hubspot/crm/v3/objects/deals/search", new JsonObject { ["limit"] = 1 }, Bearer(token))).Status);
        }

        var statuses = new List<HttpStatusCode>();
        JsonNode? limited = null;
        for (var i = 0; i < 100; i++)
        {
            var (status, body) = await GetJson("hubspot/crm/v3/pipelines/deals", Bearer(token));
            statuses.Add(status);
            limited = status == HttpStatusCode.TooManyRequests ? body : limited;
        }

        Assert.Multiple(() =>
        {
            Assert.That(searches.Take(5), Is.All.EqualTo(HttpStatusCode.OK));
            Assert.That(searches[5], Is.EqualTo(HttpStatusCode.TooManyRequests));
            // 5 searches already used 5 of the 100 slots.
            Assert.That(statuses.Count(s => s == HttpStatusCode.OK), Is.EqualTo(95));
            Assert.That(Str(limited!["policyName"]), Is.EqualTo("TEN_SECONDLY_ROLLING"));
            Assert.That(Str(limited["errorType"]), Is.EqualTo("RATE_LIMIT"));
        });
    }
}
