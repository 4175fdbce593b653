using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Pipeline.Sandbox.World;

namespace Pipeline.Sandbox.Tests;

/// <summary>The sandbox copies the report bodies it sends (the benchmarks' floor reads them), and only those.</summary>
public class ReportBodyRecorderTests : SandboxFixture
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "pipeline-recorded-" + Guid.NewGuid().ToString("N"));

    protected override SandboxOptions Options => new() { World = WorldOptions.Demo, RecordReportBodiesTo = folder };

    [OneTimeTearDown]
    public void RemoveFolder()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [SetUp]
    public void EmptyFolder()
    {
        foreach (var file in Directory.GetFiles(folder))
        {
            File.Delete(file);
        }
    }

    [Test]
    public async Task A_ga4_report_and_a_meta_insights_page_are_recorded_byte_for_byte_as_sent()
    {
        var day = Server.World.Today.AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var report = new JsonObject
        {
            ["dimensions"] = new JsonArray(new JsonObject { ["name"] = "date" }, new JsonObject { ["name"] = "sessionDefaultChannelGroup" }),
            ["metrics"] = new JsonArray(new JsonObject { ["name"] = "sessions" }),
            ["dateRanges"] = new JsonArray(new JsonObject { ["startDate"] = "2020-01-01", ["endDate"] = day }),
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"ga4/v1beta/properties/{Server.Credentials.Ga4PropertyId}:runReport")
        {
            Content = new StringContent(report.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Server.IssueGoogleAccessToken());
        using var ga4 = await Http.SendAsync(request);
        Assert.That(ga4.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var ga4Body = await ga4.Content.ReadAsByteArrayAsync();

        var account = Server.Credentials.MetaAdAccountIds[0];
        var range = Uri.EscapeDataString($"{{\"since\":\"{day}\",\"until\":\"{day}\"}}");
        using var meta = await Http.GetAsync($"meta/v21.0/act_{account}/insights?level=campaign&time_range={range}&fields=campaign_id,spend&access_token={Server.Credentials.MetaAccessToken}");
        Assert.That(meta.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var metaBody = await meta.Content.ReadAsByteArrayAsync();

        await WaitForFilesAsync(2);
        var recorded = Directory.GetFiles(folder).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();
        Assert.That(ga4Body, Has.Length.GreaterThan(100), "the GA4 report has rows");
        Assert.That(recorded, Has.Count.EqualTo(2));
        Assert.That(recorded[0], Is.EqualTo(ga4Body));
        Assert.That(recorded[1], Is.EqualTo(metaBody));
    }

    [Test]
    public async Task Refused_reports_and_other_endpoints_are_not_recorded()
    {
        using var refused = await Http.GetAsync($"meta/v21.0/act_{Server.Credentials.MetaAdAccountIds[0]}/insights?level=campaign&access_token=wrong");
        Assert.That(refused.StatusCode, Is.Not.EqualTo(HttpStatusCode.OK));
        using var campaigns = await Http.GetAsync($"meta/v21.0/act_{Server.Credentials.MetaAdAccountIds[0]}/campaigns?fields=id&access_token={Server.Credentials.MetaAccessToken}");
        Assert.That(campaigns.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        // A refused report's copy is deleted just after its response is sent.
        await WaitUntilAsync(() => Directory.GetFiles(folder).Length == 0);
        Assert.That(Directory.GetFiles(folder), Is.Empty);
    }

    /// <summary>The sandbox closes a copy just after the response's last byte: the client can be a moment ahead.</summary>
    private Task WaitForFilesAsync(int count) => WaitUntilAsync(() => Directory.GetFiles(folder).Length >= count);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(50);
        }
    }
}
