using System.Text.Json;
using System.Text.RegularExpressions;
using Pipeline.Cli;
using Pipeline.Warehouse.Kpi;

namespace Pipeline.Report.Tests;

/// <summary><c>pipeline catalog --format markdown|json|dax</c>: every KPI of the catalog, in each form.</summary>
public sealed partial class CatalogCommandTests
{
    [Test]
    public async Task MarkdownListsEveryKpiWithItsFormulaAndView()
    {
        var result = await ReportFixture.RunAsync("catalog", "--format", "markdown");
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Error);
        var kpiSection = result.Out[..result.Out.IndexOf("## Base measures", StringComparison.Ordinal)];
        var rows = kpiSection.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal)).ToList();
        foreach (var kpi in KpiCatalog.All)
        {
            var row = rows.SingleOrDefault(r => r.Contains($"| `{kpi.Id}` |", StringComparison.Ordinal));
            Assert.That(row, Is.Not.Null, kpi.Id);
            Assert.That(row, Does.StartWith($"| {kpi.Name} |").And.Contain($"`{kpi.View}`").And.Contain(kpi.Unit.ToString()).And.Contain(kpi.BetterWhen.ToString()), kpi.Id);
        }

        Assert.That(result.Out, Does.Contain("## Base measures"));
    }

    [Test]
    public async Task JsonHasEveryKpiWithEveryField()
    {
        var result = await ReportFixture.RunAsync("catalog", "--format", "json");
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Error);
        using var json = JsonDocument.Parse(result.Out);
        var items = json.RootElement.EnumerateArray().ToList();
        Assert.That(items.Select(i => i.GetProperty("kpi_id").GetString()), Is.EqualTo(KpiCatalog.All.Select(k => k.Id)));
        foreach (var (item, kpi) in items.Zip(KpiCatalog.All))
        {
            Assert.Multiple(() =>
            {
                Assert.That(item.GetProperty("name").GetString(), Is.EqualTo(kpi.Name));
                Assert.That(item.GetProperty("description").GetString(), Is.EqualTo(kpi.Description));
                Assert.That(item.GetProperty("stage").GetString(), Is.EqualTo(kpi.Stage.ToString()));
                Assert.That(item.GetProperty("formula").GetString(), Is.EqualTo(kpi.Formula));
                Assert.That(item.GetProperty("unit").GetString(), Is.EqualTo(kpi.Unit.ToString()));
                Assert.That(item.GetProperty("better_when").GetString(), Is.EqualTo(kpi.BetterWhen.ToString()));
                Assert.That(item.GetProperty("additivity").GetString(), Is.EqualTo(kpi.Additivity.ToString()));
                Assert.That(item.GetProperty("indicator").GetString(), Is.EqualTo(kpi.Indicator.ToString()));
                Assert.That(item.GetProperty("cadence").GetString(), Is.EqualTo(kpi.Cadence.ToString()));
                Assert.That(item.GetProperty("sources").EnumerateArray().Select(s => s.GetString()), Is.EqualTo(kpi.Sources));
                Assert.That(item.GetProperty("audiences").EnumerateArray().Select(a => Enum.Parse<Audience>(a.GetString()!)).Aggregate(Audience.None, (x, y) => x | y), Is.EqualTo(kpi.Audiences));
                Assert.That(Terms(item.GetProperty("numerator")), Is.EqualTo(kpi.Numerator?.Terms), kpi.Id);
                Assert.That(Terms(item.GetProperty("denominator")), Is.EqualTo(kpi.Denominator?.Terms), kpi.Id);
                Assert.That(item.GetProperty("scale").GetDecimal(), Is.EqualTo(kpi.Scale));
                Assert.That(item.GetProperty("complement").GetBoolean(), Is.EqualTo(kpi.Complement));
                Assert.That(item.GetProperty("mart_view").GetString(), Is.EqualTo(kpi.View));
            });
        }
    }

    [Test]
    public async Task DaxHasAMeasurePerSummableKpiDividingItsNumeratorSumsByItsDenominatorSums()
    {
        var result = await ReportFixture.RunAsync("catalog", "--format", "dax");
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Error);
        var measures = MeasureLine().Matches(result.Out).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["expression"].Value.Trim(), StringComparer.Ordinal);
        var summable = KpiCatalog.All.Where(k => k.Additivity is Additivity.Additive or Additivity.RatioOfSums).ToList();
        Assert.That(summable, Has.Count.GreaterThan(25));
        foreach (var kpi in summable)
        {
            // Written here from the catalog's terms, independently of the generator.
            var numerator = Sum(kpi.Numerator!);
            var scale = kpi.Scale == 1m ? "" : kpi.Scale.ToString(System.Globalization.CultureInfo.InvariantCulture) + " * ";
            var expected = kpi.Denominator is null ? scale + numerator
                : kpi.Complement ? $"VAR ratio = DIVIDE ( {numerator}, {Sum(kpi.Denominator)} ) RETURN IF ( ISBLANK ( ratio ), BLANK (), {scale}( 1 - ratio ) )"
                : $"{scale}DIVIDE ( {numerator}, {Sum(kpi.Denominator)} )";
            var name = KpiExport.MeasureName(kpi);
            Assert.That(measures, Does.ContainKey(name), kpi.Id);
            Assert.That(measures[name], Is.EqualTo(expected), kpi.Id);
            Assert.That(name, Does.Not.Match("""[.,;'`:/\\*|?"&%$!+=()\[\]{}<>]"""), "a name Power BI accepts");
        }

        // Every base measure a KPI uses is defined once, as a breakdown-aware sum of dw.kpi_measure_daily.
        foreach (var measure in summable.SelectMany(k => k.Numerator!.Measures.Concat(k.Denominator?.Measures ?? [])).Distinct())
        {
            Assert.That(measures, Does.ContainKey("Σ " + measure));
            Assert.That(result.Out, Does.Contain($"'kpi_measure_daily'[measure] = \"{measure}\","));
        }

        // The rest say where they are published instead of pretending to be sums.
        foreach (var kpi in KpiCatalog.All.Except(summable))
        {
            Assert.That(measures, Does.Not.ContainKey(KpiExport.MeasureName(kpi)), kpi.Id);
            Assert.That(result.Out, Does.Contain($"// {kpi.Name} ({kpi.Id}):").And.Contain($"read {kpi.View}."), kpi.Id);
        }

        Assert.That(measures.Keys, Has.Count.EqualTo(summable.Count + measures.Keys.Count(k => k.StartsWith("Σ ", StringComparison.Ordinal))));
    }

    [Test]
    public async Task CommittedPowerBiMeasuresAreTheGeneratorsOutput()
    {
        var result = await ReportFixture.RunAsync("catalog", "--format", "dax");
        var committed = Path.Combine(RepositoryRoot(), "ops", "bi", "kpi-measures.dax");
        Assert.That(File.Exists(committed), Is.True, committed);
        Assert.That(await File.ReadAllTextAsync(committed), Is.EqualTo(result.Out),
            "ops/bi/kpi-measures.dax drifted from the KPI catalog: run 'pipeline catalog --format dax > ops/bi/kpi-measures.dax'");
    }

    [Test]
    public async Task AnUnknownFormatIsAUsageError()
    {
        var result = await ReportFixture.RunAsync("catalog", "--format", "xml");
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(result.Out, Is.Empty);
        Assert.That(result.Error, Does.Contain("xml"));
    }

    private static IReadOnlyList<(string, int)>? Terms(JsonElement element) =>
        element.ValueKind == JsonValueKind.Null ? null
        : element.EnumerateArray().Select(t => (t.GetProperty("measure").GetString()!, t.GetProperty("sign").GetInt32())).ToList();

    private static string Sum(MeasureSum sum) =>
        string.Concat(sum.Terms.Select((t, i) => (i == 0 ? (t.Sign < 0 ? "- " : "") : t.Sign < 0 ? " - " : " + ") + $"[Σ {t.Measure}]"));

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Pipeline.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Pipeline.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex("""MEASURE 'kpi_measure_daily'\[(?<name>[^\]]+)\] =(?<expression>[^\n]*)""")]
    private static partial Regex MeasureLine();
}
