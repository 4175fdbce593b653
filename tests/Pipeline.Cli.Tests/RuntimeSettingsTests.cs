using System.Text.Json.Nodes;

namespace Pipeline.Cli.Tests;

/// <summary>
/// make bench runs its syncs in child processes of its own and reports their memory and CPU as the CLI's, so both
/// must run under the runtime settings of etl/BatchRuntime.props. The memory figures depend on concurrent GC being
/// on (only then does the workstation GC cap gen1's budget), the CPU figures on the tiering threshold.
/// </summary>
public sealed class RuntimeSettingsTests
{
    [Test]
    public void The_benchmark_children_run_under_the_CLIs_garbage_collector_and_JIT_settings()
    {
        var cli = CliTestBase.ShippedCli();
        var bench = BenchmarkHarness(cli);
        if (!File.Exists(bench))
        {
            Assert.Ignore($"the benchmark harness is not built here ({bench}); `make test` builds Pipeline.sln, which includes it");
        }

        var cliSettings = RuntimeSettings(Path.ChangeExtension(cli, ".runtimeconfig.json"));
        var benchSettings = RuntimeSettings(Path.ChangeExtension(bench, ".runtimeconfig.json"));

        Assert.That(benchSettings, Is.EquivalentTo(cliSettings));
        Assert.That(cliSettings, Does.Contain(new KeyValuePair<string, string>("System.GC.Concurrent", "true")));
        Assert.That(cliSettings.GetValueOrDefault("System.GC.Server", "false"), Is.EqualTo("false"), "workstation GC (the default when unset)");
        Assert.That(cliSettings.GetValueOrDefault("System.Runtime.TieredCompilation.CallCountThreshold"), Is.EqualTo("1000"),
            "tiered compilation recompiles a method after 1,000 calls, not 30: the sync's one-off plumbing stays at its first compilation");
    }

    /// <summary>tests/Pipeline.Benchmarks/bin/&lt;configuration&gt;/net10.0/Pipeline.Benchmarks.dll beside the CLI's etl/Cli/bin/….</summary>
    private static string BenchmarkHarness(string cli)
    {
        var framework = Path.GetDirectoryName(cli)!;
        var configuration = Path.GetDirectoryName(framework)!;
        var repo = Path.GetFullPath(Path.Combine(configuration, "..", "..", "..", ".."));
        return Path.Combine(repo, "tests", "Pipeline.Benchmarks", "bin", Path.GetFileName(configuration), Path.GetFileName(framework), "Pipeline.Benchmarks.dll");
    }

    /// <summary>The GC and JIT settings a runtimeconfig.json gives the runtime (System.GC.*, System.Runtime.*).</summary>
    private static Dictionary<string, string> RuntimeSettings(string runtimeConfig)
    {
        var properties = JsonNode.Parse(File.ReadAllText(runtimeConfig))?["runtimeOptions"]?["configProperties"]?.AsObject()
                         ?? throw new InvalidDataException($"{runtimeConfig} has no runtimeOptions.configProperties");
        return properties
            .Where(p => p.Key.StartsWith("System.GC.", StringComparison.Ordinal) || p.Key.StartsWith("System.Runtime.", StringComparison.Ordinal))
            .ToDictionary(p => p.Key, p => p.Value?.ToJsonString() ?? "null", StringComparer.Ordinal);
    }
}
