using Pipeline.Connectors;
using Pipeline.Warehouse.Kpi;

namespace Pipeline.Cli.Tests;

/// <summary>Help that shows optional arguments as optional, "did you mean" for streams, the catalog's formula text.</summary>
public sealed class CliFixesTests : CliTestBase
{
    [Test]
    public async Task Help_shows_the_kpi_ids_as_optional()
    {
        var root = await RunAsync("--help");
        var kpi = await RunAsync("kpi", "--help");

        Assert.That(root.ExitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(root.Out, Does.Match(@"\n  kpi \[<kpi>\.\.\.\]\s+KPI values from the marts").And.Not.Contain("kpi <kpi>"));
        Assert.That(root.Out, Does.Match(@"\n  migrate\s+Create or upgrade"));
        var descriptions = root.Out.Split('\n').SkipWhile(l => l != "Commands:").Skip(1).TakeWhile(l => l.Length > 0)
            .Select(l => l.IndexOf("  ", 2, StringComparison.Ordinal) is var gap and >= 0 ? l.Length - l[gap..].TrimStart().Length : -1).Distinct().ToList();
        Assert.That(descriptions, Has.Count.EqualTo(1), "descriptions stay in one column");
        Assert.That(kpi.Out, Does.Contain(" kpi [<kpi>...] [options]").And.Match(@"Arguments:\n  \[<kpi>\.\.\.\]\s+KPI ids"));
        Assert.That(kpi.Out, Does.Contain("--layout <auto|long|wide>"));
    }

    [Test]
    public void Marking_optional_arguments_realigns_and_rewraps_the_section_to_the_terminal()
    {
        var kpi = new System.CommandLine.Command("kpi", "KPI values");
        kpi.Arguments.Add(new System.CommandLine.Argument<string[]>("kpi") { Arity = System.CommandLine.ArgumentArity.ZeroOrMore });
        var root = new System.CommandLine.RootCommand("pipeline") { kpi, new System.CommandLine.Command("report", "Write the report") };
        const string help = "Usage:\n  pipeline [command]\n\nCommands:\n"
            + "  kpi <kpi>  KPI values from the marts for a period, grain and segment (table,\n"
            + "             csv or json)\n"
            + "  report     Write the report\n";

        var lines = OptionalArgumentsHelp.MarkOptional(help, root, width: 60).Split('\n');

        Assert.That(lines, Has.All.Length.LessThanOrEqualTo(60));
        Assert.That(lines, Does.Contain("  kpi [<kpi>...]  KPI values from the marts for a period,"));
        Assert.That(lines, Does.Contain("                  grain and segment (table, csv or json)"));
        Assert.That(lines, Does.Contain("  report          Write the report"));
        Assert.That(lines[..3], Is.EqualTo(new[] { "Usage:", "  pipeline [command]", "" }), "other sections stay as they were");
    }

    [TestCase("sync", "--stream", "traffic")]
    [TestCase("sync", "--source", "ga4", "--stream", "traffic")]
    [TestCase("state", "reset", "--source", "ga4", "--stream", "traffic")]
    public async Task An_unknown_stream_names_the_closest_one_and_its_source(params string[] args)
    {
        WriteConfig(new { Sources = new { Ga4 = new { Properties = new[] { new { PropertyId = "123", ServiceAccountKeyPath = "/nonexistent.json" } } } } });

        var result = await RunWithConfigAsync(args);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Usage), result.Error);
        Assert.That(result.ErrorLines.Single(), Is.EqualTo("pipeline: error: unknown stream 'traffic' for source ga4; did you mean 'traffic_daily'?"));
        Assert.That(File.Exists(WarehousePath), Is.False, "nothing written");
    }

    [TestCase("traffic", "traffic_daily")]
    [TestCase("trafic_daily", "traffic_daily")]
    [TestCase("USERS", "users_daily")]
    [TestCase("sesions", "sessions")]
    public void Did_you_mean_finds_typos_prefixes_and_case(string typed, string expected)
    {
        string[] candidates = ["traffic_daily", "users_daily", "sessions", "campaigns", "contacts"];

        Assert.That(DidYouMean.Closest(typed, candidates)[0], Is.EqualTo(expected));
        Assert.That(DidYouMean.Hint(typed, candidates), Does.StartWith($"; did you mean '{expected}'"));
    }

    [Test]
    public void Did_you_mean_stays_silent_when_nothing_is_close()
    {
        Assert.That(DidYouMean.Closest("revenue", ["traffic_daily", "users_daily"]), Is.Empty);
        Assert.That(DidYouMean.Hint("revenue", ["traffic_daily", "users_daily"]), Is.Empty);
    }

    [Test]
    public async Task Catalog_markdown_writes_each_formula_once()
    {
        var result = await RunAsync("catalog", "--format", "markdown");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Error);
        Assert.That(result.Out, Does.Contain("| `cpm` | Cost of a thousand impressions | 1000 × Σ spend / Σ impressions | Σ ad_spend | Σ impressions |"));
        Assert.That(result.Out, Does.Not.Contain("(× ").And.Not.Contain("(1 − ratio)"));
    }

    [Test]
    public void Every_scaled_or_complement_formula_states_its_scale_itself()
    {
        // The markdown writes the formula as the catalog has it, so the formula must carry the scale and complement.
        foreach (var kpi in KpiCatalog.All.Where(k => k.Scale != 1m))
        {
            var scale = kpi.Scale.ToString("0", System.Globalization.CultureInfo.InvariantCulture);
            Assert.That(kpi.Formula.StartsWith($"{scale} × ", StringComparison.Ordinal) || (scale == "100" && kpi.Formula.Contains('%', StringComparison.Ordinal)), Is.True,
                $"{kpi.Id}: '{kpi.Formula}' does not say × {scale}");
        }

        foreach (var kpi in KpiCatalog.All.Where(k => k.Complement))
        {
            Assert.That(kpi.Formula, Does.StartWith("1 − "), kpi.Id);
        }
    }
}
