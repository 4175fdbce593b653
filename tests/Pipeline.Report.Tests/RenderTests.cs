using System.Buffers.Binary;
using System.Text.RegularExpressions;

namespace Pipeline.Report.Tests;

/// <summary>The report as a person sees it: rendered by headless Chromium, every tab, without a script error.</summary>
public sealed partial class RenderTests
{
    [TestCase("executive")]
    [TestCase("marketing")]
    [TestCase("specialist")]
    public async Task EachTabRendersWithItsTilesAndNoScriptError(string tab)
    {
        var url = new Uri(ReportFixture.DemoReportPath).AbsoluteUri;
        var png = Path.Combine(ReportFixture.Folder, $"report-{tab}.png");
        var shot = await Chromium.RunAsync($"{url}#{tab}", "screenshot", png);
        Assert.That(shot.ExitCode, Is.Zero, shot.Error);
        Assert.That(shot.ConsoleMessages(url), Is.Empty, "the page logs nothing and throws nothing");
        Assert.That(File.Exists(png), Is.True, shot.Error);
        var bytes = await File.ReadAllBytesAsync(png);
        Assert.Multiple(() =>
        {
            Assert.That(bytes.AsSpan(1, 3).ToArray(), Is.EqualTo("PNG"u8.ToArray()));
            Assert.That((BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20))), Is.EqualTo((1400, 2000)));
            // A blank or unstyled page compresses to a few kilobytes; tiles, charts and colour do not.
            Assert.That(bytes, Has.Length.GreaterThan(100_000));
        });

        // The DOM after the script ran: the tab the address names is the selected one, and its tiles are there.
        var dom = await Chromium.RunAsync($"{url}#{tab}", "dump-dom");
        Assert.That(dom.ConsoleMessages(url), Is.Empty);
        var selected = SelectedTab().Matches(dom.Out).Select(m => m.Groups["tab"].Value).ToList();
        Assert.That(selected, Is.EqualTo(new[] { tab }));
        Assert.That(Regex.Count(dom.Out, "<article class=\"tile "), Is.GreaterThan(30));
    }

    [Test]
    public async Task AScriptErrorWouldBeCaught()
    {
        // The check above must be able to fail: a page with an uncaught exception is reported.
        var page = Path.Combine(ReportFixture.Folder, "broken.html");
        await File.WriteAllTextAsync(page, "<!DOCTYPE html><html><body><p>broken</p><script>notDefined();</script></body></html>");
        var url = new Uri(page).AbsoluteUri;
        var run = await Chromium.RunAsync(url, "dump-dom");
        Assert.That(run.ConsoleMessages(url), Has.Some.Contains("Uncaught ReferenceError"));
    }

    [GeneratedRegex("""<label class="tab" role="tab" for="tab-[a-z]+" data-tab="(?<tab>[a-z]+)" aria-selected="true">""")]
    private static partial Regex SelectedTab();
}
