using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Pipeline.Sandbox.World;

namespace Pipeline.Sandbox.Tests;

/// <summary>The HubSpot sandbox applies what it emulates (checked against the world) and refuses the rest with HubSpot's VALIDATION_ERROR.</summary>
public class HubSpotParameterTests : SandboxFixture
{
    private string Token => Server.Credentials.HubSpotAccessToken;

    private static void AssertValidationError(HttpStatusCode status, JsonNode body)
    {
        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest), body.ToJsonString());
        Assert.That(Str(body["status"]), Is.EqualTo("error"));
        Assert.That(Str(body["category"]), Is.EqualTo("VALIDATION_ERROR"));
        Assert.That(Str(body["message"]), Is.Not.Empty);
        Assert.That(Guid.TryParse(Str(body["correlationId"]), out _), Is.True);
    }

    [TestCase("hubspot/crm/v3/objects/deals?limit=10&associations=contacts")]
    [TestCase("hubspot/crm/v3/objects/contacts?limit=10&propertiesWithHistory=lifecyclestage")]
    [TestCase("hubspot/crm/v3/pipelines/deals?archived=true")]
    [TestCase("hubspot/crm/v3/objects/contacts/1?idProperty=email")]
    public async Task Query_parameters_the_sandbox_does_not_emulate_are_refused(string url)
    {
        var (status, body) = await GetJson(url, Bearer(Token));

        AssertValidationError(status, body);
    }

    [Test]
    public async Task Search_fields_and_sorts_the_sandbox_does_not_emulate_are_refused()
    {
        var withQuery = await PostJson("hubspot/crm/v3/objects/contacts/search", new JsonObject { ["query"] = "gmail", ["limit"] = 5 }, Bearer(Token));
        var byAmount = await PostJson("hubspot/crm/v3/objects/deals/search", new JsonObject { ["sorts"] = new JsonArray("amount"), ["limit"] = 5 }, Bearer(Token));
        var twoSorts = await PostJson("hubspot/crm/v3/objects/deals/search", new JsonObject { ["sorts"] = new JsonArray("createdate", "-hs_object_id"), ["limit"] = 5 }, Bearer(Token));

        AssertValidationError(withQuery.Status, withQuery.Body);
        AssertValidationError(byAmount.Status, byAmount.Body);
        AssertValidationError(twoSorts.Status, twoSorts.Body);
    }

    [TestCase("-createdate", true)]
    [TestCase("createdate", false)]
    public async Task Sorts_written_as_strings_order_by_the_property(string sort, bool descending)
    {
        var (status, page) = await PostJson("hubspot/crm/v3/objects/deals/search", new JsonObject { ["sorts"] = new JsonArray(sort), ["limit"] = 50 }, Bearer(Token));

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), page.ToJsonString());
        var crm = Server.World.Crm;
        var live = Enumerable.Range(0, crm.Count(CrmObjectType.Deals)).Select(i => crm.Core(CrmObjectType.Deals, i)).Where(c => !c.Archived);
        var expected = (descending ? live.OrderByDescending(c => c.CreatedAt) : live.OrderBy(c => c.CreatedAt)).ThenBy(c => c.Id)
            .Take(50).Select(c => c.Id.ToString(CultureInfo.InvariantCulture));
        Assert.That(page["results"]!.AsArray().Select(r => Str(r!["id"])), Is.EqualTo(expected));
    }

    [Test]
    public async Task Property_definitions_carry_hubspots_types_and_deal_stage_options()
    {
        var (status, body) = await GetJson("hubspot/crm/v3/properties/deals", Bearer(Token));

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        var byName = body["results"]!.AsArray().ToDictionary(p => Str(p!["name"]), p => p!);
        Assert.That(Str(byName["amount"]["type"]), Is.EqualTo("number"));
        Assert.That(Str(byName["hs_object_id"]["type"]), Is.EqualTo("number"));
        Assert.That(byName["hs_object_id"]["hasUniqueValue"]!.GetValue<bool>(), Is.True);
        Assert.That(Str(byName["createdate"]["type"]), Is.EqualTo("datetime"));
        Assert.That(Str(byName["dealstage"]["type"]), Is.EqualTo("enumeration"));
        Assert.That(Str(byName["dealstage"]["fieldType"]), Is.EqualTo("select"));
        Assert.That(Str(byName["hs_is_closed_won"]["type"]), Is.EqualTo("bool"));
        var options = byName["dealstage"]["options"]!.AsArray()
            .Select(o => (Str(o!["value"]), Str(o["label"]), o["displayOrder"]!.GetValue<int>(), o["hidden"]!.GetValue<bool>())).ToList();
        Assert.That(options, Is.EqualTo(CrmWorld.Stages.Select((s, i) => (s.Id, s.Label, i, false)).ToList()));
        foreach (var (name, p) in byName)
        {
            foreach (var key in new[] { "label", "description", "groupName", "fieldType" })
            {
                Assert.That(p[key], Is.Not.Null, $"{name}.{key}");
            }

            Assert.That(p["calculated"], Is.Not.Null, $"{name}.calculated");
            Assert.That(p["options"], Is.InstanceOf<JsonArray>(), $"{name}.options");
        }
    }
}
