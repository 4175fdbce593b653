using System.Text;
using System.Text.Json;

namespace Pipeline.Connectors.Ga4.Tests;

/// <summary>A GA4 row kept as one byte array must give back exactly the cells GA4 sent.</summary>
public sealed class ReportRowTests
{
    [Test]
    public void Cells_come_back_unescaped_with_missing_values_as_null_in_either_member_order()
    {
        const string dimensionsFirst = """
            {"dimensionValues":[{"value":"20260301"},{"value":"/caf\u00e9?q=\"x\"&\u65e5"},{"oneValue":"ignored"},{"value":""}],
             "metricValues":[{"value":"12"},{},{"value":"3.50"}]}
            """;
        const string metricsFirst = """
            {"metricValues":[{"value":"12"},{},{"value":"3.50"}],"extra":{"a":[1,2]},
             "dimensionValues":[{"value":"20260301"},{"value":"/caf\u00e9?q=\"x\"&\u65e5"},{"oneValue":"ignored"},{"value":""}]}
            """;

        foreach (var json in new[] { dimensionsFirst, metricsFirst })
        {
            var row = JsonSerializer.Deserialize<ReportRow>(json)!;

            Assert.That(row.DimensionValues, Is.EqualTo(new string?[] { "20260301", "/café?q=\"x\"&日", null, "" }), json);
            Assert.That(row.MetricValues, Is.EqualTo(new string?[] { "12", null, "3.50" }), json);
            Assert.That(row.TryGetMetric(2, out var utf8) && Encoding.UTF8.GetString(utf8) == "3.50", Is.True);
            Assert.That(row.TryGetMetric(1, out _), Is.False, "a cell without value is null, not empty");
        }
    }

    [Test]
    public async Task Rows_with_members_to_skip_read_from_a_stream_larger_than_the_serializer_buffer()
    {
        // A response body arrives in blocks; a row's converter sees its whole row, but not the last block of the body.
        const string row = """{"dimensionValues":[{"value":"20260301"},{"oneValue":"ignored"}],"extra":{"a":[1,2]},"metricValues":[{"value":"12"}]}""";
        var body = Encoding.UTF8.GetBytes("[" + string.Join(",", Enumerable.Repeat(row, 200)) + "]");
        await using var stream = new MemoryStream(body);

        var rows = await JsonSerializer.DeserializeAsync<List<ReportRow>>(stream, new JsonSerializerOptions { DefaultBufferSize = 256 });

        Assert.That(rows, Has.Count.EqualTo(200));
        Assert.That(rows!.Select(r => (r.DimensionValues[0], r.DimensionValues[1], r.MetricValues[0])), Is.All.EqualTo(("20260301", (string?)null, "12")));
    }

    [Test]
    public void A_row_built_from_values_writes_the_json_it_was_read_from()
    {
        var row = new ReportRow(["20260301", null, "ünïcode"], ["1", null]);

        var json = JsonSerializer.Serialize(row);
        var again = JsonSerializer.Deserialize<ReportRow>(json)!;

        Assert.That((again.DimensionValues, again.MetricValues), Is.EqualTo((row.DimensionValues, row.MetricValues)));
        Assert.That(again.DimensionValues, Is.EqualTo(new string?[] { "20260301", null, "ünïcode" }));
    }

    [Test]
    public void A_row_with_no_cells_has_none()
    {
        var row = JsonSerializer.Deserialize<ReportRow>("""{"dimensionValues":null}""")!;

        Assert.That((row.DimensionCount, row.MetricCount), Is.EqualTo((0, 0)));
    }
}
