using System.Text.Json.Nodes;
using Dapper;
using DuckDB.NET.Data;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Reliability.Tests.Infrastructure;

namespace Pipeline.Reliability.Tests;

/// <summary>
/// The bad-input corpus (tests/Pipeline.Reliability.Tests/Corpus): API responses damaged the way platforms send
/// them (truncated JSON, wrong types, missing required fields, numbers with commas, huge strings, unknown enum
/// values, dates in wrong formats, one record twice in a page) and CSV files as users save them (BOMs, UTF-16,
/// Latin-1, the same). Each gives a clear reject (reason naming the field or line) or a clear error for its window;
/// nothing crashes, and every good row still loads: untouched streams equal the reference row for row.
/// </summary>
/// <remarks>Pipeline.Connectors.Files.Tests checks the CSV rules one by one; the corpus keeps the inputs as files.</remarks>
public sealed class BadInputTests
{
    private static readonly string[] ApiSources = ["ga4", "meta", "mailchimp", "hubspot"];

    private static IEnumerable<TestCaseData> ApiCorpus() => ApiSources.Select(s => new TestCaseData(s).SetArgDisplayNames(s));

    private static IEnumerable<TestCaseData> FileCorpus() => FileCase.Names().Select(n => new TestCaseData(n).SetArgDisplayNames(n));

    [TestCaseSource(nameof(ApiCorpus))]
    public async Task Damaged_api_responses_are_rejected_or_fail_clearly_and_every_good_row_loads(string source)
    {
        var cases = ApiCase.Load(source);
        Assert.That(cases, Is.Not.Empty, $"Corpus/api holds cases for {source}");
        var reference = await ReferenceWorld.GetAsync();
        using var folder = new TempFolder("bad-api");
        var sources = PipelineConfig.Sources(reference.Sandbox, reference.FilesFolder);
        foreach (var other in sources.Select(s => s.Key).Where(k => !k.Equals(source, StringComparison.OrdinalIgnoreCase)).ToList())
        {
            sources.Remove(other);
        }

        // A damage served every time fails its window; it gets a sync of its own so it cannot hide the others.
        var passes = new List<IReadOnlyList<ApiCase>> { cases.Where(c => c.Times >= 0).ToList() };
        passes.AddRange(cases.Where(c => c.Times < 0).Select(c => (IReadOnlyList<ApiCase>)[c]));
        passes.RemoveAll(p => p.Count == 0);
        var problems = new List<string>();
        var failures = new List<string>();
        var rejectCount = 0;
        var compared = 0L;
        var expected = await WarehouseChecksum.ComputeAsync(reference.WarehousePath, marts: false);
        for (var pass = 0; pass < passes.Count; pass++)
        {
            var warehouse = folder.File($"warehouse-{pass}.duckdb");
            var options = PipelineConfig.Bind(PipelineConfig.Pipeline(warehouse, folder.File("logs"), sources));
            var edits = passes[pass].Select(c => c.Edit).ToList();
            var outcome = await InProcessPipeline.SyncAsync(
                options, "bad-input", TimeProvider.System, s => s.ConfigureHttpClientDefaults(c => c.AddHttpMessageHandler(() => new ResponseRewriter(edits))), semanticLayer: false);
            failures.AddRange(outcome.Failures);
            var (passProblems, rejects, rows) = await CheckPassAsync(source, passes[pass], warehouse, outcome, expected);
            problems.AddRange(passProblems);
            rejectCount += rejects;
            compared += rows;
        }

        Figures.Record("bad input (API)", $"{source}: {cases.Count} damaged responses, {rejectCount} rejects, {failures.Count} failed windows, {compared} good rows compared, {problems.Count} problems");
        Assert.That(problems, Is.Empty);
    }

    private static async Task<(List<string> Problems, int Rejects, long Rows)> CheckPassAsync(
        string source, IReadOnlyList<ApiCase> cases, string warehouse, SyncOutcome outcome, IReadOnlyDictionary<string, ObjectChecksum> expected)
    {
        var problems = new List<string>();
        await using var connection = new DuckDBConnection($"Data Source={warehouse}");
        await connection.OpenAsync();
        var rejects = (await connection.QueryAsync<(string Stream, string Reason)>("SELECT stream, reason FROM etl.rejected_records")).ToList();
        foreach (var c in cases)
        {
            if (c.Edit.Applied == 0)
            {
                problems.Add($"{c.Name}: the damaged response was never served (route did not match)");
                continue;
            }

            problems.AddRange((await CheckAsync(connection, c.Expect, rejects, outcome.Failures)).Select(p => $"{c.Name}: {p}"));
        }

        // Good rows: a stream loses exactly its rejected records (a duplicate loses none); streams nobody damaged
        // equal the reference; streams that failed on purpose are left out.
        var failedStreams = cases.Where(c => c.Expect.Outcome == "error").SelectMany(c => c.Expect.AlsoFails.Append(c.Expect.Stream)).ToHashSet();
        var lost = cases.Where(c => c.Expect.Outcome == "reject" && !c.Expect.Reason!.StartsWith("duplicate", StringComparison.Ordinal))
            .GroupBy(c => c.Expect.Stream).ToDictionary(g => g.Key, g => g.Count());
        var touched = cases.Select(c => c.Expect.Stream).ToHashSet();
        var actual = await WarehouseChecksum.ComputeAsync(warehouse, marts: false);
        long compared = 0;
        foreach (var (name, e) in expected.Where(kv => kv.Key.StartsWith($"\"staging\".\"{source}_", StringComparison.Ordinal)))
        {
            var stream = name[($"\"staging\".\"{source}_".Length)..^1];
            if (failedStreams.Contains(stream))
            {
                continue;
            }

            var a = actual[name];
            compared += a.Rows;
            if (!touched.Contains(stream) && a != e)
            {
                problems.Add($"{name}: untouched stream differs from the reference ({a.Rows} rows, reference {e.Rows})");
            }
            else if (a.Rows != e.Rows - lost.GetValueOrDefault(stream))
            {
                problems.Add($"{name}: {a.Rows} rows, expected the reference's {e.Rows} minus {lost.GetValueOrDefault(stream)} rejected");
            }
        }

        problems.AddRange(outcome.Failures.Where(f => !failedStreams.Any(s => f.Contains($".{s} ", StringComparison.Ordinal))).Select(f => $"only the streams damaged for good may fail: {f}"));
        return (problems, rejects.Count, compared);
    }

    [TestCaseSource(nameof(FileCorpus))]
    public async Task Damaged_csv_files_are_rejected_line_by_line_or_fail_clearly(string name)
    {
        var c = FileCase.Load(name);
        using var folder = new TempFolder("bad-csv");
        c.CopyTo(folder.File("files"));
        var warehouse = folder.File("warehouse.duckdb");
        var options = PipelineConfig.Bind(PipelineConfig.Pipeline(warehouse, folder.File("logs"), new JsonObject { ["Files"] = new JsonObject { ["Folder"] = folder.File("files") } }));

        var outcome = await InProcessPipeline.SyncAsync(options, "bad-csv", TimeProvider.System, semanticLayer: false);

        await using var connection = new DuckDBConnection($"Data Source={warehouse}");
        await connection.OpenAsync();
        var rejects = (await connection.QueryAsync<(string Stream, string Reason)>("SELECT stream, reason FROM etl.rejected_records")).ToList();
        var problems = new List<string>();
        foreach (var e in c.Expect)
        {
            problems.AddRange(await CheckAsync(connection, e, rejects, outcome.Failures));
        }

        var expectedFailures = c.Expect.Where(e => e.Outcome == "error").Select(e => e.Stream).ToList();
        Assert.That(outcome.Failures.Where(f => !expectedFailures.Any(s => f.Contains($".{s} ", StringComparison.Ordinal))), Is.Empty, "no other file fails");
        Assert.That(problems, Is.Empty, $"{c.Input}: {string.Join(" | ", rejects.Select(r => r.Reason))} {string.Join(" | ", outcome.Failures)}");
    }

    private static async Task<List<string>> CheckAsync(DuckDBConnection connection, Expectation e, List<(string Stream, string Reason)> rejects, IReadOnlyList<string> failures)
    {
        var problems = new List<string>();
        switch (e.Outcome)
        {
            case "reject" when !rejects.Any(r => r.Stream == e.Stream && r.Reason.Contains(e.Reason!, StringComparison.Ordinal)):
                problems.Add($"no reject of {e.Stream} whose reason contains '{e.Reason}' (rejects: {string.Join(" | ", rejects.Select(r => $"{r.Stream}: {r.Reason}"))})");
                break;
            case "error" when !failures.Any(f => f.Contains($".{e.Stream} ", StringComparison.Ordinal) && f.Contains(e.Message!, StringComparison.Ordinal)):
                problems.Add($"no failed {e.Stream} window saying '{e.Message}' (failures: {string.Join(" | ", failures)})");
                break;
            case "load":
                var value = await connection.ExecuteScalarAsync<long>(e.Sql!);
                if (value != e.EqualsValue)
                {
                    problems.Add($"{e.Sql} returned {value}, expected {e.EqualsValue}");
                }

                break;
            case "rows":
                var count = await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM staging.\"files_{e.Stream}\"");
                if (count != e.Count)
                {
                    problems.Add($"files_{e.Stream} holds {count} rows, expected {e.Count}");
                }

                break;
        }

        return problems;
    }
}
