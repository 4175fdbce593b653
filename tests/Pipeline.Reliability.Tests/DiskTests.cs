using System.Diagnostics;
using System.Security.Cryptography;
using Dapper;
using DuckDB.NET.Data;
using Pipeline.Reliability.Tests.Infrastructure;

namespace Pipeline.Reliability.Tests;

/// <summary>
/// A warehouse that cannot be written: its disk fills up during a sync, or the file (or only its folder) is
/// read-only. Each ends in a clear error naming the cause and nothing half-written: after a full disk the warehouse
/// opens and holds exactly what it held before; a read-only warehouse is byte for byte what it was.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DiskTests
{
    [Test]
    public async Task A_disk_that_fills_up_mid_sync_fails_clearly_and_leaves_the_warehouse_as_it_was()
    {
        if (!OperatingSystem.IsLinux() || !await CanMountAsync())
        {
            Assert.Ignore("needs Linux 'unshare --mount' and 'mount -t tmpfs' (root or user namespaces) to give the warehouse a small disk");
        }

        var reference = await ReferenceWorld.GetAsync();
        using var folder = new TempFolder("disk-full");
        var disk = Directory.CreateDirectory(folder.File("disk")).FullName;
        // A synced warehouse: the run re-reads its lookback windows and replaces them with the same rows, so after
        // any number of whole windows the content is unchanged, and a half-written window would show.
        var empty = reference.WarehousePath;
        var warehouse = Path.Combine(disk, "warehouse.duckdb");
        var config = folder.File("pipeline.json");
        PipelineConfig.Write(config, reference.Config(warehouse, folder.File("logs")));

        // In a private mount namespace: a tmpfs a little larger than the empty warehouse (every sync rewrites the
        // views first, so the headroom must hold that and then fill up among the windows), the sync, the files copied out.
        string err = "", after = "";
        var size = 0L;
        // The headroom that fills up among the windows depends on how much the views and the windows write, which
        // changes with the schema: search it. Too little fails while re-creating the views (more room), too much
        // never fills up (less room).
        var (low, high) = (250, 6000);
        for (var attempt = 0; attempt < 7 && high - low > 50; attempt++)
        {
            var headroom = (low + high) / 2;
            size = (new FileInfo(empty).Length / 1024) + headroom;
            after = Directory.CreateDirectory(folder.File($"after-{headroom}")).FullName;
            var script = $"""
                mount -t tmpfs -o size={size}k tmpfs '{disk}' || exit 97
                cp '{empty}' '{warehouse}'
                dotnet '{CliProcess.Binary}' sync --config '{config}' > '{folder.File("out.txt")}' 2> '{folder.File("err.txt")}'
                echo $? > '{folder.File("exit.txt")}'
                cp '{disk}'/* '{after}'/
                """;
            var shell = await RunAsync("unshare", "--mount", "--propagation", "private", "sh", "-c", script);
            Assert.That(shell, Is.Zero, "the script ran");
            err = File.ReadAllText(folder.File("err.txt"));
            var full = err.Contains("No space left on device", StringComparison.Ordinal);
            if (full && err.Contains("window(s) failed", StringComparison.Ordinal))
            {
                break;
            }

            TestContext.Out.WriteLine($"{headroom} KB headroom did not fill up among the windows:\n{err}");
            // Full before the windows (migrate) needs more room; full after them (the mart refresh spills more than a
            // window does) or not full at all needs less.
            var afterWindows = err.Contains("refreshing the mart tables failed", StringComparison.Ordinal);
            (low, high) = full && !afterWindows ? (headroom, high) : (low, headroom);
        }

        var exit = int.Parse(File.ReadAllText(folder.File("exit.txt")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(exit, Is.EqualTo(1), err);
        var last = err.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        Assert.That(last, Does.StartWith("pipeline: error:").And.Contain("No space left on device"), "one line naming the cause");
        Assert.That(err, Does.Not.Contain("   at "), "no stack trace on the console");

        // Nothing half-written: the copied-out files (WAL included) open and hold exactly the reference rows.
        var copied = Path.Combine(after, "warehouse.duckdb");
        var failed = await FailedForSpaceAsync(copied);
        Assert.That(failed, Is.GreaterThan(0), $"the disk filled up among the windows, not before: {err}");
        var expected = await reference.ChecksumsAsync(marts: false);
        var actual = await WarehouseChecksum.ComputeAsync(copied, marts: false);
        var mismatches = await WarehouseChecksum.CompareAsync(reference.WarehousePath, expected, copied, actual);
        Figures.Record("disk full", $"{size} KB disk, {failed} windows failed with ENOSPC, {WarehouseChecksum.Rows(actual)} rows compared with the state before, {mismatches.Count} mismatches");
        Worlds.AssumeSameDaySince(reference.SyncedAtUtc);
        Assert.That(mismatches, Is.Empty);
    }

    [TestCase(true, TestName = "A read-only warehouse file refuses with one line and stays byte for byte the same")]
    [TestCase(false, TestName = "A warehouse in a read-only folder fails clearly (no write-ahead log can be created) and stays byte for byte the same")]
    public async Task Read_only_warehouse(bool fileReadOnly)
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("file modes are POSIX");
        }

        if (UnprivilegedCli.WhyNot() is { } why)
        {
            Assert.Ignore(why);
        }

        var reference = await ReferenceWorld.GetAsync();
        using var folder = new TempFolder("read-only");
        UnprivilegedCli.Expose(folder.Path);
        var dir = Directory.CreateDirectory(folder.File("wh")).FullName;
        var warehouse = Path.Combine(dir, "warehouse.duckdb");
        File.Copy(reference.WarehousePath, warehouse);
        var config = folder.File("pipeline.json");
        var json = reference.Config(warehouse, "");
        json["Logging"]!["Directory"] = "";
        PipelineConfig.Write(config, json);
        var before = Hash(warehouse);
        if (fileReadOnly)
        {
            File.SetUnixFileMode(warehouse, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }
        else
        {
            // The file stays writable for everyone; only its folder (where DuckDB writes the WAL) is not.
            File.SetUnixFileMode(warehouse, (UnixFileMode)0b110_110_110);
        }

        File.SetUnixFileMode(dir, (UnixFileMode)0b101_101_101);
        var (wrapper, binary) = UnprivilegedCli.Command();
        var env = new Dictionary<string, string> { ["HOME"] = folder.Path, ["DOTNET_CLI_HOME"] = folder.Path };
        try
        {
            using var cli = CliProcess.StartWrapped(wrapper, binary, folder.Path, env, "sync", "--config", config);
            var result = await cli.WaitAsync(TimeSpan.FromMinutes(2));

            Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
            Assert.That(result.Error, Does.Not.Contain("   at "), "no stack trace on the console");
            var last = result.ErrorLines[^1];
            if (fileReadOnly)
            {
                Assert.That(result.ErrorLines, Has.Length.EqualTo(1));
                Assert.That(last, Does.StartWith($"pipeline: error: cannot open the warehouse {warehouse} for writing: permission denied"));
            }
            else
            {
                Assert.That(last, Does.StartWith("pipeline: error:").And.Contain("Permission denied").And.Contain(".wal"));
            }

            Assert.That(Hash(warehouse), Is.EqualTo(before), "the warehouse is byte for byte what it was");
            Figures.Record("read-only warehouse", $"{(fileReadOnly ? "file" : "folder")} read-only: exit {result.ExitCode}, '{last}'");
        }
        finally
        {
            File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
        }
    }

    [Test]
    public async Task Kpi_status_and_report_read_a_warehouse_on_a_read_only_disk_and_leave_it_byte_for_byte_the_same()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("file modes are POSIX");
        }

        if (UnprivilegedCli.WhyNot() is { } why)
        {
            Assert.Ignore(why);
        }

        var reference = await ReferenceWorld.GetAsync();
        using var folder = new TempFolder("read-only-reads");
        UnprivilegedCli.Expose(folder.Path);
        var dir = Directory.CreateDirectory(folder.File("wh")).FullName;
        var warehouse = Path.Combine(dir, "warehouse.duckdb");
        File.Copy(reference.WarehousePath, warehouse);
        var output = Directory.CreateDirectory(folder.File("out")).FullName;
        File.SetUnixFileMode(output, (UnixFileMode)0b111_111_111);
        var config = folder.File("pipeline.json");
        var json = reference.Config(warehouse, "");
        json["Logging"]!["Directory"] = "";
        PipelineConfig.Write(config, json);
        // As on a read-only mount: neither the file nor its folder (where a write-ahead log would go) can be written.
        File.SetUnixFileMode(warehouse, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.SetUnixFileMode(dir, (UnixFileMode)0b101_101_101);
        var before = Hash(warehouse);
        var (wrapper, binary) = UnprivilegedCli.Command();
        var env = new Dictionary<string, string> { ["HOME"] = folder.Path, ["DOTNET_CLI_HOME"] = folder.Path };
        try
        {
            var results = new List<(string Command, CliResult Result)>();
            foreach (var args in new[] { new[] { "status" }, ["kpi", "--format", "csv"], ["report", "--out", Path.Combine(output, "report.html")] })
            {
                using var cli = CliProcess.StartWrapped(wrapper, binary, folder.Path, env, [.. args, "--config", config]);
                results.Add((args[0], await cli.WaitAsync(TimeSpan.FromMinutes(2))));
            }

            foreach (var (command, result) in results)
            {
                // status may say a source is stale (exit 4); what matters is that it read.
                Assert.That(result.ExitCode, command == "status" ? Is.EqualTo(0).Or.EqualTo(4) : Is.EqualTo(0), $"{command}: {result}");
                Assert.That(result.Error, Does.Not.Contain("cannot open").And.Not.Contain("busy"), command);
            }

            Assert.That(results[0].Result.Out, Does.Contain("Freshness per configured source"));
            Assert.That(results[1].Result.Out, Does.StartWith("period_start,period_end,grain"));
            Assert.That(File.Exists(Path.Combine(output, "report.html")), Is.True);
            Assert.That(Hash(warehouse), Is.EqualTo(before), "the warehouse is byte for byte what it was");
            Assert.That(Directory.GetFiles(dir), Is.EqualTo(new[] { warehouse }), "no write-ahead log or other file beside it");
            Figures.Record("read-only reads", $"status exit {results[0].Result.ExitCode}, kpi exit {results[1].Result.ExitCode}, report exit {results[2].Result.ExitCode} on a read-only file in a read-only folder");
        }
        finally
        {
            File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
        }
    }

    private static async Task<long> FailedForSpaceAsync(string warehouse)
    {
        await using var connection = new DuckDBConnection($"Data Source={warehouse}");
        await connection.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM etl.sync_runs WHERE status = 'Failed' AND error LIKE '%No space left on device%'");
    }

    private static async Task<bool> CanMountAsync()
    {
        using var probe = new TempFolder("mount-probe");
        return File.Exists("/usr/bin/unshare")
            && await RunAsync("unshare", "--mount", "--propagation", "private", "sh", "-c", $"mount -t tmpfs -o size=64k tmpfs '{probe.Path}'") == 0;
    }

    private static async Task<int> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        TestContext.Out.WriteLine($"{file}: exit {process.ExitCode} {await output} {await error}");
        return process.ExitCode;
    }

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
}
