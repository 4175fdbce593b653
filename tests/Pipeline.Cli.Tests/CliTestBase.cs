using System.Diagnostics;
using System.Text.Json;

namespace Pipeline.Cli.Tests;

/// <summary>Each test gets its own folder with a config file that points the warehouse and logs into it.</summary>
public abstract class CliTestBase
{
    protected string Folder { get; private set; } = "";

    protected string WarehousePath => Path.Combine(Folder, "data", "warehouse.duckdb");

    protected string LogFolder => Path.Combine(Folder, "logs");

    protected string ConfigPath => Path.Combine(Folder, "pipeline.json");

    [SetUp]
    public void CreateFolder()
    {
        Folder = Path.Combine(Path.GetTempPath(), "pipeline-cli-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        WriteConfig(new { });
    }

    [TearDown]
    public void DeleteFolder()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // left for the OS temp cleaner
        }
    }

    /// <summary>Writes the test's config: its own warehouse and log folder, plus whatever the test adds.</summary>
    protected void WriteConfig(object extra, bool includeDefaults = true)
    {
        var json = JsonSerializer.SerializeToNode(extra)!.AsObject();
        if (includeDefaults)
        {
            json["Warehouse"] ??= new System.Text.Json.Nodes.JsonObject();
            json["Warehouse"]!["DuckDb"] ??= new System.Text.Json.Nodes.JsonObject { ["Path"] = WarehousePath };
            json["Logging"] ??= new System.Text.Json.Nodes.JsonObject { ["Directory"] = LogFolder };
        }

        File.WriteAllText(ConfigPath, json.ToJsonString());
    }

    protected async Task<CliResult> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var env = new CliEnvironment { Out = output, Error = error, LogToErrorWriter = true };
        var code = await PipelineCli.RunAsync(args, env);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    protected async Task<CliResult> RunWithConfigAsync(params string[] args) => await RunAsync([.. args, "--config", ConfigPath]);

    /// <summary>Runs the real CLI binary as a separate process (for file locks and environment variables).</summary>
    protected static async Task<CliResult> RunProcessAsync(string workingDirectory, IDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(CliBinary);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[k] = v;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    private static string CliBinary
    {
        get
        {
            var cli = ShippedCli();
            Assert.That(File.Exists(cli) && File.Exists(Path.ChangeExtension(cli, ".runtimeconfig.json")), Is.True, "the CLI binary is built");
            return cli;
        }
    }

    /// <summary>
    /// The CLI as built in its own output folder (etl/Cli/bin/…): the test folder also holds the sandbox, whose ASP.NET
    /// framework reference keeps the CLI's own Microsoft.Extensions assemblies from being copied beside the tests.
    /// </summary>
    internal static string ShippedCli()
    {
        var config = Path.GetFileName(Path.GetDirectoryName(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar))!);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "etl", "Cli", "bin", config, "net10.0", "pipeline.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return Path.Combine(AppContext.BaseDirectory, "pipeline.dll");
    }
}

public sealed record CliResult(int ExitCode, string Out, string Error)
{
    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
