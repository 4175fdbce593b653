using System.Diagnostics;
using System.Text.Json;
using Pipeline.Cli;

namespace Pipeline.Scheduling.Tests.Support;

public sealed record CliResult(int ExitCode, string Out, string Error);

/// <summary>Runs the <c>pipeline</c> CLI in-process (captured writers) or as its built binary in a child process.</summary>
internal static class CliRunner
{
    public static string WriteConfig(string folder, object config)
    {
        var path = Path.Combine(folder, "pipeline.json");
        File.WriteAllText(path, JsonSerializer.Serialize(config));
        return path;
    }

    public static async Task<CliResult> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var env = new CliEnvironment { Out = output, Error = error, LogToErrorWriter = true };
        var code = await PipelineCli.RunAsync(args, env);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    /// <summary>The CLI binary copied beside the tests, started with <c>dotnet</c>; stdout and stderr are collected.</summary>
    public static Process Start(string workingDirectory, params string[] args)
    {
        var binary = ShippedCli();
        Assert.That(File.Exists(binary), Is.True, "the CLI binary is built");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(binary);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return Process.Start(start)!;
    }

    public static async Task<CliResult> RunProcessAsync(string workingDirectory, TimeSpan timeout, params string[] args)
    {
        using var process = Start(workingDirectory, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancel.Token);
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// The CLI as built in its own output folder (etl/Cli/bin/…): the test folder also holds the sandbox, whose ASP.NET
    /// framework reference keeps the CLI's own Microsoft.Extensions assemblies from being copied beside the tests.
    /// </summary>
    private static string ShippedCli()
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
