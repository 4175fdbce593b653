using System.Globalization;
using System.Text;
using Pipeline.Connectors.Conformance;
using Pipeline.Connectors.Http;

namespace Pipeline.Connectors.Meta.Tests;

/// <summary>
/// Insights rows are typed once each while the page streams in; a row cut off by the end of a block is typed again
/// from its start. Wherever the cut falls, every row must come out as it does from the whole body.
/// </summary>
public sealed class MetaStreamedRowsTests
{
    private const string Page = """
        {"data":[
          {"account_id":"1","ad_id":"11","ad_name":"Caf\u00e9 \"spring\"","impressions":"1200","reach":"900","clicks":"31","spend":"12.34",
           "actions":[{"action_type":"purchase","value":"3","1d_view":"1"},{"action_type":"odd \"type\"","value":"2","nested":{"a":[1,"x"]}}],
           "action_values":[{"action_type":"purchase","value":"99.5"}],"date_start":"2026-03-01","date_stop":"2026-03-01"},
          {"date_start":"2026-03-02","date_stop":"2026-03-02","account_id":"1","ad_id":"12","impressions":77,"spend":"12,5","unknown":{"x":[null,true]}},
          ["not", "an", "object"],
          {"account_id":"1","ad_id":"13","impressions":"5","spend":"1","spend":"2.5","actions":"none","date_start":"2026-03-03","date_stop":"2026-03-03"}
        ],
        "paging":{"cursors":{"before":"b","after":"a=="},"next":"https://graph.facebook.com/next"}}
        """;

    [Test]
    public async Task Rows_streamed_in_blocks_of_any_size_type_as_the_whole_body_does()
    {
        var whole = await ReadAsync(int.MaxValue);
        Assert.That(whole.Data, Has.Count.EqualTo(4));
        Assert.That(whole.Data.Select(r => r.Problem), Is.EqualTo(new[]
        {
            null, "spend '12,5' is not a number", "row is not a JSON object", "actions is not an array",
        }));
        Assert.That(whole.Paging?.Cursors?.After, Is.EqualTo("a=="));

        var bytes = Encoding.UTF8.GetByteCount(Page);
        for (var block = 1; block <= bytes; block += block < 64 ? 1 : 29)
        {
            var page = await ReadAsync(block);

            Assert.That(page.Data.Select(Describe), Is.EqualTo(whole.Data.Select(Describe)), $"blocks of {block}");
            Assert.That(page.Paging?.Next, Is.EqualTo(whole.Paging?.Next), $"blocks of {block}");
        }
    }

    private static async Task<MetaInsightsPage> ReadAsync(int block)
    {
        var report = new MetaInsightsReport("insights_daily", "account", [], ["purchase"], ["1d_view"]);
        var index = report.Stream.Fields.Select((f, i) => (f.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        var rows = MetaJson.InsightsRows(new MetaInsightsRowReader(new MetaRowLayout(report, name => index[name]), report.Stream.Fields.Count));
        await using var body = new BlockStream(Encoding.UTF8.GetBytes(Page), block);
        return (await StreamedJsonPage.ReadAsync(body, MetaJson.Default.MetaInsightsPage, rows, CancellationToken.None, 16))!;
    }

    private static string Describe(MetaInsightsRow row) =>
        row.Values is { } values
            ? string.Join("|", values.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "null"))
            : $"{row.Problem} :: {row.Raw}";
}
