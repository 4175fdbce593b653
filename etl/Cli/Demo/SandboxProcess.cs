using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;

namespace Pipeline.Cli.Demo;

/// <summary>
/// The sandbox as a child process: <c>dotnet pipeline-sandbox.dll --port 0 --json …</c> on a free loopback port.
/// A separate process rather than an <c>AssemblyLoadContext</c> because the sandbox is an ASP.NET Core app: loading
/// it in the CLI would drag the ASP.NET shared framework into the shipped tool, which is what this separation removes.
/// The sandbox prints one JSON line (addresses, fake credentials) that the demo reads; disposing kills the process.
/// </summary>
internal sealed class SandboxProcess : IAsyncDisposable
{
    /// <summary>Overrides where <c>pipeline-sandbox.dll</c> is (a packaged CLI ships without the sandbox).</summary>
    public const string PathVariable = "PIPELINE_SANDBOX";

    private readonly Process process;

    private SandboxProcess(Process process, JsonElement description)
    {
        this.process = process;
        Description = description;
        BaseAddress = new Uri(description.GetProperty("baseAddress").GetString()!);
    }

    public JsonElement Description { get; }

    public Uri BaseAddress { get; }

    public static async Task<SandboxProcess> StartAsync(DateOnly endDate, int days, CancellationToken cancellationToken)
    {
        var dll = Locate();
        var start = new ProcessStartInfo(DotnetHost()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { dll, "--port", "0", "--days", days.ToString(CultureInfo.InvariantCulture), "--end-date", endDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "--json" })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start the sandbox ({dll})");
        try
        {
            // Startup is a second or two; a minute means it hangs, and the demo must not wait forever.
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromMinutes(1));
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith('{'))
                {
                    // Drain stderr so a chatty sandbox never blocks on a full pipe.
                    _ = process.StandardError.ReadToEndAsync(CancellationToken.None);
                    return new SandboxProcess(process, JsonDocument.Parse(line).RootElement.Clone());
                }
            }

            var error = await process.StandardError.ReadToEndAsync(timeout.Token);
            throw new InvalidOperationException($"the sandbox ({dll}) exited before describing itself: {error.Trim()}");
        }
        catch
        {
            await StopAsync(process);
            throw;
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync(process));

    private static async Task StopAsync(Process process)
    {
        using (process)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
            }
        }
    }

    /// <summary>The sandbox dll: <see cref="PathVariable"/>, else the solution's build output above this program.</summary>
    private static string Locate()
    {
        if (Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } configured)
        {
            return File.Exists(configured) ? configured : throw new FileNotFoundException($"{PathVariable} names '{configured}', which does not exist");
        }

        var configuration = typeof(SandboxProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var config in new[] { configuration, "Release", "Debug" }.Distinct())
            {
                var candidate = Path.Combine(dir.FullName, "ops", "Sandbox", "bin", config, "net10.0", "pipeline-sandbox.dll");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new FileNotFoundException(
            $"pipeline demo needs the sandbox: build it (make build, or dotnet build ops/Sandbox -c {configuration}) or set {PathVariable} to pipeline-sandbox.dll");
    }

    /// <summary>The dotnet host running this program (tests and <c>dotnet pipeline.dll</c>), else <c>dotnet</c> on the PATH.</summary>
    private static string DotnetHost() =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path
            : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
}
