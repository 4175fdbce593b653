using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace Pipeline.Sandbox.Tests;

/// <summary>The Meta sandbox applies the parameters it emulates (checked against ground truth) and refuses every other one with Graph's (#100) error.</summary>
public class MetaParameterTests : SandboxFixture
{
    private string Token => Server.Credentials.MetaAccessToken;
    private string Account => Server.Credentials.MetaAdAccountIds[0];

    private static string Range(DateOnly since, DateOnly until) =>
        Uri.EscapeDataString(string.Create(CultureInfo.InvariantCulture, $$"""{"since":"{{since:yyyy-MM-dd}}","until":"{{until:yyyy-MM-dd}}"}"""));

    private async Task<List<JsonNode>> ReadAll(string url)
    {
        var rows = new List<JsonNode>();
        string? next = url;
        while (next is not null)
        {
            var (status, page) = await GetJson(next);
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK), page.ToJsonString());
            rows.AddRange(page["data"]!.AsArray().Select(r => r!));
            next = page["paging"]?["next"]?.GetValue<string>();
        }

        return rows;
    }

    private static decimal Spend(IEnumerable<JsonNode> rows) => rows.Sum(r => decimal.Parse(Str(r["spend"]), CultureInfo.InvariantCulture));

    private static void AssertGraph100(HttpStatusCode status, JsonNode body)
    {
        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest), body.ToJsonString());
        var error = body["error"]!;
        Assert.That(Str(error["message"]), Does.StartWith("(#100) "));
        Assert.That(Str(error["type"]), Is.EqualTo("OAuthException"));
        Assert.That(error["code"]!.GetValue<int>(), Is.EqualTo(100));
        Assert.That(Str(error["fbtrace_id"]), Is.Not.Empty);
    }

    [TestCase("insights?level=campaign&fields=spend&sort=spend_descending")]
    [TestCase("insights?level=campaign&fields=spend&use_unified_attribution_setting=true")]
    [TestCase("insights?level=campaign&fields=spend&filtering=%5B%7B%22field%22%3A%22spend%22%2C%22operator%22%3A%22GREATER_THAN%22%2C%22value%22%3A%2210%22%7D%5D")]
    [TestCase("insights?level=campaign&fields=spend&filtering=%5B%7B%22field%22%3A%22campaign.id%22%2C%22operator%22%3A%22CONTAIN%22%2C%22value%22%3A%221%22%7D%5D")]
    [TestCase("insights?level=campaign&fields=spend&filtering=not-json")]
    [TestCase("insights?level=campaign&fields=spend&time_increment=weekly")]
    [TestCase("campaigns?fields=id&effective_status=%5B%22ACTIVE%22%5D")]
    [TestCase("campaigns?fields=id&filtering=%5B%7B%22field%22%3A%22name%22%2C%22operator%22%3A%22CONTAIN%22%2C%22value%22%3A%22x%22%7D%5D")]
    [TestCase("?fields=name&metadata=1")]
    public async Task Parameters_the_sandbox_does_not_emulate_get_graphs_100_error(string pathAndQuery)
    {
        var url = pathAndQuery.StartsWith('?') ? $"meta/v21.0/act_{Account}{pathAndQuery}" : $"meta/v21.0/act_{Account}/{pathAndQuery}";
        var (status, body) = await GetJson($"{url}&access_token={Token}");

        AssertGraph100(status, body);
    }

    [Test]
    public async Task Filtering_on_one_campaign_returns_only_its_rows_and_its_true_spend()
    {
        var campaign = Server.World.Meta.Campaigns.First(c => c.AccountId == Account && MetaWorldActive(c));
        var (since, until) = (Server.World.Today.AddDays(-9), Server.World.Today);
        var filter = Uri.EscapeDataString($$"""[{"field":"campaign.id","operator":"EQUAL","value":"{{campaign.Id}}"}]""");

        var rows = await ReadAll($"meta/v21.0/act_{Account}/insights?level=ad&fields=campaign_id,ad_id,spend&time_increment=1&time_range={Range(since, until)}&filtering={filter}&limit=50&access_token={Token}");

        Assert.That(rows, Is.Not.Empty);
        Assert.That(rows.Select(r => Str(r["campaign_id"])).Distinct(), Is.EqualTo(new[] { campaign.Id }));
        Assert.That(Spend(rows), Is.EqualTo(Server.World.Truth.MetaSpend(Account, since, until, campaign.Id)));
    }

    [Test]
    public async Task Filtering_in_and_not_in_split_the_account_spend()
    {
        var ids = Server.World.Meta.Campaigns.Where(c => c.AccountId == Account).Select(c => c.Id).Take(2).ToList();
        var (since, until) = (Server.World.Options.StartDate, Server.World.Today);
        var list = string.Join(',', ids.Select(i => $"\"{i}\""));
        var inFilter = Uri.EscapeDataString($$"""[{"field":"campaign.id","operator":"IN","value":[{{list}}]}]""");
        var notIn = Uri.EscapeDataString($$"""[{"field":"campaign.id","operator":"NOT_IN","value":[{{list}}]}]""");

        var included = await ReadAll($"meta/v21.0/act_{Account}/insights?level=campaign&fields=campaign_id,spend&time_range={Range(since, until)}&filtering={inFilter}&access_token={Token}");
        var excluded = await ReadAll($"meta/v21.0/act_{Account}/insights?level=campaign&fields=campaign_id,spend&time_range={Range(since, until)}&filtering={notIn}&access_token={Token}");

        Assert.That(included.Select(r => Str(r["campaign_id"])), Is.SubsetOf(ids));
        Assert.That(excluded.Select(r => Str(r["campaign_id"])), Has.None.AnyOf(ids.Cast<object>().ToArray()));
        var truth = ids.Sum(id => Server.World.Truth.MetaSpend(Account, since, until, id));
        Assert.That(Spend(included), Is.EqualTo(truth));
        Assert.That(Spend(included) + Spend(excluded), Is.EqualTo(Server.World.Truth.MetaSpend(Account, since, until)));
    }

    [Test]
    public async Task Monthly_increment_gives_one_row_per_calendar_month_clipped_to_the_range()
    {
        var since = Server.World.Options.StartDate.AddDays(14);
        var until = Server.World.Today.AddDays(-3);

        var rows = await ReadAll($"meta/v21.0/act_{Account}/insights?level=account&fields=spend&time_increment=monthly&time_range={Range(since, until)}&access_token={Token}");

        var expected = new List<(string, string, decimal)>();
        for (var from = since; from <= until; from = new DateOnly(from.Year, from.Month, 1).AddMonths(1))
        {
            var end = new DateOnly(from.Year, from.Month, 1).AddMonths(1).AddDays(-1);
            var to = end > until ? until : end;
            expected.Add((from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Server.World.Truth.MetaSpend(Account, from, to)));
        }

        Assert.That(expected, Has.Count.GreaterThan(1));
        Assert.That(rows.Select(r => (Str(r["date_start"]), Str(r["date_stop"]), decimal.Parse(Str(r["spend"]), CultureInfo.InvariantCulture))), Is.EqualTo(expected));
    }

    [Test]
    public async Task All_days_increment_gives_one_row_for_the_range()
    {
        var (since, until) = (Server.World.Today.AddDays(-20), Server.World.Today);

        var rows = await ReadAll($"meta/v21.0/act_{Account}/insights?level=account&fields=spend&time_increment=all_days&time_range={Range(since, until)}&access_token={Token}");

        Assert.That(rows, Has.Count.EqualTo(1));
        Assert.That(Spend(rows), Is.EqualTo(Server.World.Truth.MetaSpend(Account, since, until)));
    }

    [TestCase("yesterday", 1, 1)]
    [TestCase("last_7d", 7, 1)]
    [TestCase("today", 0, 0)]
    public async Task Date_presets_count_from_the_worlds_pinned_today(string preset, int firstDaysBack, int lastDaysBack)
    {
        var today = Server.World.Today;

        var rows = await ReadAll($"meta/v21.0/act_{Account}/insights?level=account&fields=spend&time_increment=1&date_preset={preset}&access_token={Token}");

        var days = rows.Select(r => DateOnly.ParseExact(Str(r["date_start"]), "yyyy-MM-dd", CultureInfo.InvariantCulture)).ToList();
        Assert.That(days.Min(), Is.EqualTo(today.AddDays(-firstDaysBack)));
        Assert.That(days.Max(), Is.EqualTo(today.AddDays(-lastDaysBack)));
        Assert.That(Spend(rows), Is.EqualTo(Server.World.Truth.MetaSpend(Account, today.AddDays(-firstDaysBack), today.AddDays(-lastDaysBack))));
    }

    [Test]
    public async Task The_paused_account_has_empty_insights_and_zero_truth_on_its_paused_days()
    {
        var paused = Server.Credentials.MetaAdAccountIds[1];
        var (from, to) = Server.World.Truth.MetaPausedDays(paused) ?? throw new AssertionException("the default world pauses the second account");

        var (status, page) = await GetJson($"meta/v21.0/act_{paused}/insights?level=ad&fields=spend&time_increment=1&time_range={Range(from, to)}&access_token={Token}");
        var around = await ReadAll($"meta/v21.0/act_{paused}/insights?level=account&fields=spend&time_increment=1&time_range={Range(from.AddDays(-1), to.AddDays(1))}&access_token={Token}");

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(page.ToJsonString(), Is.EqualTo("""{"data":[]}"""), "Graph's empty answer: no rows, no paging");
        Assert.That(Server.World.Truth.MetaSpend(paused, from, to), Is.Zero);
        Assert.That(Server.World.Truth.MetaAdDays(from).Where(f => f.AccountId == paused), Is.Empty);
        Assert.That(around.Select(r => Str(r["date_start"])), Is.EqualTo(new[] { from.AddDays(-1), to.AddDays(1) }.Select(d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))));
        Assert.That(Server.World.Truth.MetaPausedDays(Account), Is.Null, "the first account runs throughout");
    }

    [Test]
    public async Task Edge_filtering_on_updated_time_returns_only_later_updates()
    {
        var all = await ReadAll($"meta/v21.0/act_{Account}/campaigns?fields=id,updated_time&limit=100&access_token={Token}");
        var times = all.Select(c => DateTimeOffset.ParseExact(Str(c["updated_time"]), "yyyy-MM-dd'T'HH:mm:sszzzz", CultureInfo.InvariantCulture)).Order().ToList();
        var cut = times[times.Count / 2];
        var filter = Uri.EscapeDataString($$"""[{"field":"updated_time","operator":"GREATER_THAN","value":{{cut.ToUnixTimeSeconds()}}}]""");

        var later = await ReadAll($"meta/v21.0/act_{Account}/campaigns?fields=id,updated_time&limit=100&filtering={filter}&access_token={Token}");

        Assert.That(later.Select(c => Str(c["id"])), Is.EquivalentTo(all.Where(c => DateTimeOffset.ParseExact(Str(c["updated_time"]), "yyyy-MM-dd'T'HH:mm:sszzzz", CultureInfo.InvariantCulture) > cut).Select(c => Str(c["id"]))));
        Assert.That(later, Has.Count.LessThan(all.Count));
    }

    private bool MetaWorldActive(Pipeline.Sandbox.World.MetaCampaign c) => c.StopDate >= Server.World.Today.AddDays(-9) && c.StartDate <= Server.World.Today;
}
