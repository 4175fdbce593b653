using System.Diagnostics;
using System.Text;

namespace Pipeline.Reliability.Tests.Infrastructure;

/// <summary>How a CLI process ended: exit code and everything it wrote.</summary>
internal sealed record CliResult(int ExitCode, string Out, string Error, TimeSpan Duration, bool Killed = false)
{
    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() => $"exit {ExitCode}{(Killed ? " (killed)" : "")}: {Error.Trim()}";
}

/// <summary>The real <c>pipeline</c> binary (copied beside the tests) as a separate process.</summary>
internal sealed class CliProcess : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly StringBuilder error = new();
    private readonly Stopwatch watch = Stopwatch.StartNew();
    private bool killed;

    private CliProcess(Process process)
    {
        this.process = process;
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(error, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Id => process.Id;

    public bool HasExited => process.HasExited;

    /// <summary>Output so far (complete once the process has exited).</summary>
    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    /// <summary>Completes once stderr holds <paramref name="count"/> lines containing <paramref name="text"/>, or the process ended.</summary>
    public async Task WaitForErrorLinesAsync(string text, int count, CancellationToken cancellationToken)
    {
        while (!process.HasExited)
        {
            string err;
            lock (error)
            {
                err = error.ToString();
            }

            if (err.Split('\n').Count(l => l.Contains(text, StringComparison.Ordinal)) >= count)
            {
                return;
            }

            await Task.Delay(5, cancellationToken);
        }
    }

    /// <summary>Stderr so far.</summary>
    public string ErrorText
    {
        get
        {
            lock (error)
            {
                return error.ToString();
            }
        }
    }

    public static string Binary
    {
        get
        {
            var path = ShippedCli();
            Assert.That(File.Exists(path), Is.True, "the CLI binary is built");
            return path;
        }
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

    public static CliProcess Start(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        StartWrapped([], workingDirectory, environment, args);

    /// <summary>Runs <c>dotnet pipeline.dll</c> through <paramref name="wrapper"/> (e.g. setpriv to drop privileges).</summary>
    public static CliProcess StartWrapped(string[] wrapper, string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        StartWrapped(wrapper, Binary, workingDirectory, environment, args);

    /// <summary>As above with another copy of the CLI (<see cref="UnprivilegedCli"/>: one that user nobody can read).</summary>
    public static CliProcess StartWrapped(string[] wrapper, string binary, string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo(wrapper.Length == 0 ? "dotnet" : wrapper[0])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var w in wrapper.Skip(1).Append("dotnet").Skip(wrapper.Length == 0 ? 1 : 0))
        {
            start.ArgumentList.Add(w);
        }

        start.ArgumentList.Add(binary);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        // No terminal: plain output, and no user configuration from the environment leaks in.
        start.Environment.Remove("PIPELINE_CONFIG");
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("PIPELINE__", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[k] = v;
        }

        return new CliProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start"));
    }

    public static async Task<CliResult> RunAsync(string workingDirectory, params string[] args) =>
        await RunAsync(workingDirectory, null, TimeSpan.FromMinutes(3), args);

    public static async Task<CliResult> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string>? environment, TimeSpan timeout, params string[] args)
    {
        using var cli = Start(workingDirectory, environment, args);
        return await cli.WaitAsync(timeout);
    }

    /// <summary>SIGKILL: no handler runs, nothing is flushed or rolled back by the process itself.</summary>
    public void Kill()
    {
        try
        {
            killed = true;
            process.Kill(entireProcessTree: false);
        }
        catch (InvalidOperationException)
        {
            // it had already exited
        }
    }

    public async Task<CliResult> WaitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            await process.WaitForExitAsync(CancellationToken.None);
            Assert.Fail($"pipeline {string.Join(' ', process.StartInfo.ArgumentList.Skip(1))} did not finish within {timeout}; output: {Output}");
        }

        string err;
        lock (error)
        {
            err = error.ToString();
        }

        return new CliResult(process.ExitCode, Output, err, watch.Elapsed, killed && process.ExitCode != 0);
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            Kill();
            process.WaitForExit();
        }

        process.Dispose();
    }

    private static void Append(StringBuilder to, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (to)
        {
            to.Append(line).Append('\n');
        }
    }
}
