using System.Diagnostics;

namespace Pipeline.Cli.Tests;

/// <summary>
/// What <c>make install</c> does, into a temporary folder instead of ~/.dotnet/tools: pack the CLI as a .NET tool,
/// install it from that folder alone (offline), and run the installed <c>pipeline</c>.
/// </summary>
public sealed class InstallTests
{
    [Test]
    public async Task The_cli_packs_as_a_tool_that_installs_offline_and_runs_as_pipeline()
    {
        var repo = RepositoryRoot() ?? IgnoreWith("the repository (Pipeline.sln) is not above the test binaries");
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path && File.Exists(path) ? path : "dotnet";
        var configuration = Path.GetFileName(Path.GetDirectoryName(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar))!);
        var folder = Path.Combine(Path.GetTempPath(), "pipeline-install-tests", Guid.NewGuid().ToString("N"));
        var feed = Path.Combine(folder, "feed");
        var tools = Path.Combine(folder, "tools");
        var version = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}";
        try
        {
            // --no-build: the test build already built the CLI in this configuration (packing must not rebuild it).
            if (!File.Exists(Path.Combine(repo, "etl", "Cli", "bin", configuration, "net10.0", "pipeline.dll")))
            {
                IgnoreWith($"the CLI is not built in {configuration} in {repo}, so it cannot be packed without building");
            }

            var pack = await RunAsync(dotnet, repo, "pack", Path.Combine("etl", "Cli", "Pipeline.Cli.csproj"), "-c", configuration, "--no-build", "-o", feed, $"-p:PackageVersion={version}");
            Assert.That(pack.Code, Is.Zero, pack.Output);
            Assert.That(Directory.GetFiles(feed, "Pipeline.Cli.*.nupkg"), Has.Length.EqualTo(1));

            // Only the packed folder as a source, as make install does: nothing is fetched from a network feed.
            var config = Path.Combine(feed, "nuget.config");
            await File.WriteAllTextAsync(config, $"""<?xml version="1.0" encoding="utf-8"?><configuration><packageSources><clear /><add key="pipeline" value="{feed}" /></packageSources></configuration>""");
            var install = await RunAsync(dotnet, folder, "tool", "install", "Pipeline.Cli", "--tool-path", tools, "--version", version, "--configfile", config);
            Assert.That(install.Code, Is.Zero, install.Output);

            var run = await RunAsync(Path.Combine(tools, OperatingSystem.IsWindows() ? "pipeline.exe" : "pipeline"), folder, "--version");
            Assert.That(run.Code, Is.Zero, run.Output);
            Assert.That(run.Output, Does.StartWith("0.1.0"));
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static string IgnoreWith(string reason)
    {
        Assert.Ignore(reason);
        return "";
    }

    private static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Pipeline.sln")) && File.Exists(Path.Combine(dir.FullName, "etl", "Cli", "Pipeline.Cli.csproj")))
            {
                return dir.FullName;
            }
        }

        return null;
    }

    private static async Task<(int Code, string Output)> RunAsync(string program, string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // The installed apphost finds the runtime beside the dotnet running these tests, wherever it is installed.
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && Path.GetDirectoryName(Path.GetFullPath(host)) is { } root)
        {
            start.Environment["DOTNET_ROOT"] = root;
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
