using System.Text;
using System.Text.Json;
using Pipeline.Connectors.Conformance;

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
    public void Rows_read_one_after_another_keep_their_own_cells()
    {
        // The converter reuses one writer per thread: a long row followed by short ones must not leak into them.
        const string json = """
            [{"dimensionValues":[{"value":"20260301"},{"value":"/a-long-landing-page?utm_source=newsletter&utm_campaign=spring"}],"metricValues":[{"value":"123456"},{"value":"9.99"}]},
             {"dimensionValues":[{"value":"20260302"},{}],"metricValues":[{"value":"1"}]},
             {"metricValues":[{"value":"2"},{"value":"0"}],"dimensionValues":[{"value":"20260303"},{"value":"/b"}]},
             {"dimensionValues":[],"metricValues":[]}]
            """;

        var rows = JsonSerializer.Deserialize<List<ReportRow>>(json)!;

        Assert.That(rows.Select(r => r.DimensionValues), Is.EqualTo(new[]
        {
            new string?[] { "20260301", "/a-long-landing-page?utm_source=newsletter&utm_campaign=spring" },
            new string?[] { "20260302", null },
            new string?[] { "20260303", "/b" },
            [],
        }));
        Assert.That(rows.Select(r => r.MetricValues), Is.EqualTo(new[]
        {
            new string?[] { "123456", "9.99" },
            new string?[] { "1" },
            new string?[] { "2", "0" },
            [],
        }));
    }

    [Test]
    public async Task A_report_streamed_in_blocks_of_any_size_reads_as_the_serializer_reads_it_whole()
    {
        // The rows are read once while the body arrives (StreamedJsonPage): a row cut by the end of a block is read
        // again from its start, and must come out whole, whichever cell, member or escape the cut falls in.
        const string json = """
            {"dimensionHeaders":[{"name":"date"},{"name":"landingPage"}],"metricHeaders":[{"name":"sessions","type":"TYPE_INTEGER"}],
             "rows":[{"dimensionValues":[{"value":"20260301"},{"value":"/caf\u00e9?q=\"x\""}],"extra":{"a":[1,{"b":null}]},"metricValues":[{"value":"12"}]},
                     {"metricValues":[{"value":"3"}],"dimensionValues":[{"value":"20260302"},{"oneValue":"x"}]},
                     {"dimensionValues":[{"value":"20260303"},{"value":"/b"}],"metricValues":[{}]}],
             "rowCount":3,"metadata":{"currencyCode":"EUR","timeZone":"Europe/Paris"},"kind":"analyticsData#runReport"}
            """;
        var whole = JsonSerializer.Deserialize(json, Ga4Json.Default.RunReportResponse)!;
        var bytes = Encoding.UTF8.GetBytes(json);
        for (var block = 1; block <= bytes.Length; block += block < 40 ? 1 : 37)
        {
            await using var body = new BlockStream(bytes, block);

            var page = (await Http.StreamedJsonPage.ReadAsync(body, Ga4Json.Default.RunReportResponse, Ga4DataApiClient.ReportRows, CancellationToken.None, 16))!;

            Assert.That(page.Rows.Select(r => (r.DimensionValues, r.MetricValues)), Is.EqualTo(whole.Rows.Select(r => (r.DimensionValues, r.MetricValues))), $"blocks of {block}");
            Assert.That((page.RowCount, page.Metadata, page.MetricHeaders.Single(), page.DimensionHeaders.Count), Is.EqualTo((whole.RowCount, whole.Metadata, whole.MetricHeaders.Single(), 2)), $"blocks of {block}");
        }

        Assert.That(whole.Rows[0].DimensionValues, Is.EqualTo(new string?[] { "20260301", "/café?q=\"x\"" }));
        Assert.That(whole.Rows[1].DimensionValues, Is.EqualTo(new string?[] { "20260302", null }));
    }

    [TestCase("20240229", 2024, 2, 29)]
    [TestCase("00010101", 1, 1, 1)]
    [TestCase("99991231", 9999, 12, 31)]
    public void A_GA4_date_reads_from_its_bytes(string text, int year, int month, int day)
    {
        Assert.That(Ga4ReportReader.TryParseDay(Encoding.UTF8.GetBytes(text), out var parsed), Is.True);
        Assert.That(parsed, Is.EqualTo(new DateOnly(year, month, day)));
    }

    [TestCase("20230229")]
    [TestCase("20241301")]
    [TestCase("20240100")]
    [TestCase("00000101")]
    [TestCase("2024-01-01")]
    [TestCase("2024011")]
    [TestCase("202401011")]
    [TestCase("2024O101")]
    [TestCase("+2024010")]
    [TestCase("")]
    public void Anything_else_is_not_a_GA4_date(string text)
    {
        Assert.That(Ga4ReportReader.TryParseDay(Encoding.UTF8.GetBytes(text), out _), Is.False);
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
