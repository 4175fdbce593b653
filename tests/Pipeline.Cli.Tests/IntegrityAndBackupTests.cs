using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Dapper;
using DuckDB.NET.Data;
using Pipeline.Sandbox;
using Pipeline.Sandbox.World;

namespace Pipeline.Cli.Tests;

/// <summary>
/// <c>pipeline check</c>, <c>backup</c> and <c>restore</c> on real DuckDB files. Damage is made the way a disk makes it:
/// bytes flipped inside one data block of a known table, found through DuckDB's own storage map
/// (<c>pragma_storage_info</c>: block id of each column segment; a block sits at 3 × 4 KiB of headers + id × block size).
/// </summary>
public sealed partial class IntegrityAndBackupTests : CliTestBase
{
    private const string Victim = "staging.damage_me";
    private const long HeaderBytes = 3 * 4096;

    [Test]
    public async Task Check_of_a_healthy_warehouse_exits_0_and_counts_the_tables()
    {
        await MigrateWithVictimTableAsync();

        var check = await RunWithConfigAsync("check");

        Assert.That(check.ExitCode, Is.EqualTo(ExitCodes.Ok), check.Error);
        Assert.That(check.Out.Trim(), Does.Match(@"^\d+ tables checked, all readable$"));
        Assert.That(File.Exists(WarehousePath + ".check-failed"), Is.False);
    }

    [Test]
    public async Task Check_names_the_table_whose_data_block_has_flipped_bytes_and_a_later_sync_and_schedule_refuse_to_write()
    {
        await MigrateWithVictimTableAsync();
        FlipBytesInBlocksOf(Victim, WarehousePath);
        WriteConfigWithFilesSource();
        var before = Sha256(WarehousePath);

        var check = await RunWithConfigAsync("check");
        var sync = await RunWithConfigAsync("sync");
        var schedule = await RunWithConfigAsync("schedule");

        Assert.That(check.ExitCode, Is.EqualTo(ExitCodes.Failed), check.Error);
        var damagedLines = check.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.That(damagedLines, Has.Length.EqualTo(1), check.Out);
        Assert.That(damagedLines[0], Does.StartWith($"damaged: {Victim}: ").And.Contain("Corrupt database file"));
        Assert.That(check.ErrorLines, Has.Length.EqualTo(1));
        Assert.That(check.ErrorLines[0], Does.Match($@"^pipeline: error: 1 of \d+ tables damaged: {Regex.Escape(Victim)}; restore a backup"));

        foreach (var refused in new[] { sync, schedule })
        {
            Assert.That(refused.ExitCode, Is.EqualTo(ExitCodes.Failed), refused.Error);
            Assert.That(refused.ErrorLines.Where(l => l.StartsWith("pipeline: error:", StringComparison.Ordinal)).ToList(), Has.Count.EqualTo(1), refused.Error);
            Assert.That(refused.Error, Does.Contain("failed its integrity check").And.Contain(Victim).And.Contain("pipeline restore --from"));
        }

        Assert.That(Sha256(WarehousePath), Is.EqualTo(before), "nothing was written into the damaged file");
    }

    [Test]
    public async Task A_warehouse_whose_header_is_damaged_gives_one_line_saying_so_not_an_engine_dump()
    {
        await MigrateWithVictimTableAsync();
        DamageHeader();

        var status = await RunWithConfigAsync("status");
        var check = await RunWithConfigAsync("check");

        foreach (var result in new[] { status, check })
        {
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed), result.Error);
            Assert.That(result.ErrorLines, Has.Length.EqualTo(1), result.Error);
            Assert.That(result.ErrorLines[0], Does.Contain($"the warehouse {WarehousePath} is damaged and cannot be opened").And.Contain("pipeline restore --from FILE"));
        }
    }

    [Test]
    public async Task Backup_keeps_the_newest_Backup_Keep_copies_each_a_readable_warehouse()
    {
        await MigrateWithVictimTableAsync();
        var folder = Path.Combine(Folder, "backups");
        WriteConfig(new { Backup = new { Keep = 2 } });

        var names = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var backup = await RunWithConfigAsync("backup", "--to", folder);
            Assert.That(backup.ExitCode, Is.EqualTo(ExitCodes.Ok), backup.Error);
            names.Add(BackupPath().Match(backup.Out).Groups[1].Value);
            await Task.Delay(5); // names carry milliseconds; make them distinct
        }

        var kept = Directory.GetFiles(folder).Order(StringComparer.Ordinal).ToList();
        Assert.That(kept, Is.EqualTo(names.Skip(1).ToList()), "the two newest copies stay, the oldest is removed");
        Assert.That(Path.GetFileName(kept[0]), Does.Match(@"^warehouse-\d{8}T\d{9}Z\.duckdb$"));
        await using var copy = new DuckDBConnection($"Data Source={kept[^1]};ACCESS_MODE=READ_ONLY");
        await copy.OpenAsync();
        Assert.That(await copy.ExecuteScalarAsync<long>($"SELECT count(*) FROM {Victim}"), Is.EqualTo(VictimRows));
    }

    [TestCase(0)]
    [TestCase(1001)]
    public async Task A_Backup_Keep_outside_its_range_is_a_configuration_error_naming_the_key(int keep)
    {
        WriteConfig(new { Backup = new { Keep = keep } });

        var backup = await RunWithConfigAsync("backup");

        Assert.That(backup.ExitCode, Is.EqualTo(ExitCodes.Usage), backup.Error);
        Assert.That(backup.Error, Does.Contain("Backup:Keep").And.Contain("outside 1..1000"));
    }

    [Test]
    public async Task Restore_refuses_a_damaged_backup_and_a_missing_file_and_changes_nothing()
    {
        await MigrateWithVictimTableAsync();
        var folder = Path.Combine(Folder, "backups");
        var backup = await RunWithConfigAsync("backup", "--to", folder);
        Assert.That(backup.ExitCode, Is.EqualTo(ExitCodes.Ok), backup.Error);
        var copy = BackupPath().Match(backup.Out).Groups[1].Value;
        FlipBytesInBlocksOf(Victim, copy);
        var before = Sha256(WarehousePath);

        var damaged = await RunWithConfigAsync("restore", "--from", copy);
        var missing = await RunWithConfigAsync("restore", "--from", Path.Combine(folder, "nope.duckdb"));

        Assert.That(damaged.ExitCode, Is.EqualTo(ExitCodes.Failed), damaged.Error);
        Assert.That(damaged.ErrorLines, Has.Length.EqualTo(1));
        Assert.That(damaged.ErrorLines[0], Does.Contain($"the backup {copy} is damaged").And.Contain(Victim).And.Contain("nothing was replaced"));
        Assert.That(missing.ExitCode, Is.EqualTo(ExitCodes.Usage), missing.Error);
        Assert.That(missing.Error, Does.Contain("nope.duckdb': no such file"));
        Assert.That(Sha256(WarehousePath), Is.EqualTo(before));
        Assert.That(FilesBesideWarehouse(), Is.EquivalentTo(new[] { "warehouse.duckdb" }), "nothing replaced, nothing set aside");
    }

    [Test]
    public async Task Restore_is_refused_with_exit_3_while_another_process_holds_the_warehouse()
    {
        await MigrateWithVictimTableAsync();
        var folder = Path.Combine(Folder, "backups");
        var backup = await RunWithConfigAsync("backup", "--to", folder);
        Assert.That(backup.ExitCode, Is.EqualTo(ExitCodes.Ok), backup.Error);
        var copy = BackupPath().Match(backup.Out).Groups[1].Value;

        CliResult restore;
        await using (var holder = new DuckDBConnection($"Data Source={WarehousePath}"))
        {
            await holder.OpenAsync();
            restore = await RunProcessAsync(Folder, null, "restore", "--from", copy, "--config", ConfigPath);
        }

        Assert.That(restore.ExitCode, Is.EqualTo(ExitCodes.WarehouseBusy), restore.Error);
        Assert.That(restore.ErrorLines, Has.Length.EqualTo(1));
        Assert.That(restore.ErrorLines[0], Does.Contain("warehouse is busy"));
        Assert.That(FilesBesideWarehouse(), Is.EquivalentTo(new[] { "warehouse.duckdb" }), "nothing replaced, nothing set aside");
    }

    [Test]
    public async Task A_synced_sandbox_world_backed_up_damaged_and_restored_gives_the_same_status_and_kpi_output()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { World = WorldOptions.Demo with { StartDate = today.AddDays(-6), Days = 7 } });
        var backups = Path.Combine(Folder, "backups");
        WriteConfig(new
        {
            Sources = new
            {
                Ga4 = new
                {
                    BaseUrl = sandbox.Ga4BaseAddress,
                    TokenUrl = sandbox.GoogleTokenUri,
                    Properties = new[] { new { PropertyId = sandbox.Credentials.Ga4PropertyId, ServiceAccountKeyJson = sandbox.Credentials.GoogleServiceAccountKeyJson, FirstRunDays = 7 } },
                },
            },
            Backup = new { Path = backups, Keep = 3 },
        });
        var sync = await RunWithConfigAsync("sync");
        Assert.That(sync.ExitCode, Is.EqualTo(ExitCodes.Ok), sync.Error);
        var statusBefore = await RunWithConfigAsync("status");
        var kpiBefore = await RunWithConfigAsync("kpi", "sessions", "engagement_rate", "--by", "channel", "--grain", "day", "--period", "last-7d", "--format", "csv");
        Assert.That(kpiBefore.Out, Does.Contain("sessions"), "the world has KPI values to compare");

        var backup = await RunWithConfigAsync("backup");
        Assert.That(backup.ExitCode, Is.EqualTo(ExitCodes.Ok), backup.Error);
        var copy = BackupPath().Match(backup.Out).Groups[1].Value;
        Assert.That(Path.GetDirectoryName(copy), Is.EqualTo(backups), "Backup:Path is the default folder");

        // The warehouse changes after the backup (a later sync, a table growing past one block) and then loses a block.
        var resync = await RunWithConfigAsync("sync", "--from", today.AddDays(-2).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), "--to", today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        Assert.That(resync.ExitCode, Is.EqualTo(ExitCodes.Ok), resync.Error);
        await AddVictimTableAsync();
        FlipBytesInBlocksOf(Victim, WarehousePath);
        var check = await RunWithConfigAsync("check");
        Assert.That(check.ExitCode, Is.EqualTo(ExitCodes.Failed), check.Out + check.Error);
        Assert.That(check.Out, Does.Contain($"damaged: {Victim}: ").And.Contain("Corrupt database file"), "a flipped data block of a synced warehouse is found and named");

        var restore = await RunWithConfigAsync("restore", "--from", copy);
        var checkAfter = await RunWithConfigAsync("check");
        var statusAfter = await RunWithConfigAsync("status");
        var kpiAfter = await RunWithConfigAsync("kpi", "sessions", "engagement_rate", "--by", "channel", "--grain", "day", "--period", "last-7d", "--format", "csv");
        var syncAfter = await RunWithConfigAsync("sync");

        Assert.That(restore.ExitCode, Is.EqualTo(ExitCodes.Ok), restore.Error);
        Assert.That(restore.Out, Does.Contain("all readable").And.Contain("The replaced file is kept at " + WarehousePath + ".replaced-"));
        Assert.That(checkAfter.ExitCode, Is.EqualTo(ExitCodes.Ok), checkAfter.Error);
        Assert.That(Stable(statusAfter.Out), Is.EqualTo(Stable(statusBefore.Out)));
        Assert.That(kpiAfter.Out, Is.EqualTo(kpiBefore.Out));
        Assert.That(syncAfter.ExitCode, Is.EqualTo(ExitCodes.Ok), "the restored warehouse takes syncs again: " + syncAfter.Error);
    }

    private const int VictimRows = 300_000;

    /// <summary>A migrated warehouse plus a table big enough to own whole data blocks (random 64-bit values do not compress).</summary>
    private async Task MigrateWithVictimTableAsync()
    {
        var migrated = await RunWithConfigAsync("migrate");
        Assert.That(migrated.ExitCode, Is.EqualTo(ExitCodes.Ok), migrated.Error);
        await AddVictimTableAsync();
    }

    private async Task AddVictimTableAsync()
    {
        await using var connection = new DuckDBConnection($"Data Source={WarehousePath}");
        await connection.OpenAsync();
        await connection.ExecuteAsync($"CREATE TABLE {Victim} AS SELECT i AS id, hash(i) AS h, 'row-' || md5(i::VARCHAR) AS s FROM range({VictimRows}) t(i); CHECKPOINT;");
    }

    /// <summary>Flips 16 bytes inside every data block used by <paramref name="table"/> and by no other table.</summary>
    private static void FlipBytesInBlocksOf(string table, string path)
    {
        List<long> blocks;
        long blockSize;
        using (var connection = new DuckDBConnection($"Data Source={path}"))
        {
            connection.Open();
            // Write everything (a WAL included) to its final blocks first, so the map read next is the one on disk.
            connection.Execute("CHECKPOINT");
            var tables = connection.Query<string>(
                "SELECT schema_name || '.' || table_name FROM duckdb_tables() WHERE database_name = current_database()").ToList();
            var others = tables.Where(t => t != table)
                .SelectMany(t => connection.Query<long>($"SELECT DISTINCT block_id FROM pragma_storage_info('{t}') WHERE persistent AND block_id >= 0"))
                .ToHashSet();
            blocks = connection.Query<long>($"SELECT DISTINCT block_id FROM pragma_storage_info('{table}') WHERE persistent AND block_id >= 0 ORDER BY 1")
                .Where(b => !others.Contains(b)).ToList();
            blockSize = connection.ExecuteScalar<long>("SELECT block_size FROM pragma_database_size()");
        }

        Assert.That(blocks, Is.Not.Empty, $"{table} owns data blocks");
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        foreach (var block in blocks)
        {
            var offset = HeaderBytes + (block * blockSize) + 1000;
            var bytes = new byte[16];
            file.Position = offset;
            file.ReadExactly(bytes);
            for (var i = 0; i < bytes.Length; i++)
            {
                bytes[i] ^= 0xFF;
            }

            file.Position = offset;
            file.Write(bytes);
        }
    }

    /// <summary>Flips bytes in the file's main header block (checksummed like every block): the file cannot be opened.</summary>
    private void DamageHeader()
    {
        using var file = new FileStream(WarehousePath, FileMode.Open, FileAccess.ReadWrite);
        file.Position = 100;
        file.Write(Enumerable.Repeat((byte)0xA5, 16).ToArray());
    }

    /// <summary>The warehouse folder's files, without the lock files a refused restore may leave (they hold no data).</summary>
    private IEnumerable<string?> FilesBesideWarehouse() =>
        Directory.GetFiles(Path.GetDirectoryName(WarehousePath)!).Where(f => !f.EndsWith(".lock", StringComparison.Ordinal)).Select(Path.GetFileName);

    private static string Sha256(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>Status output without what moves with the clock (hours since the last sync).</summary>
    private static string Stable(string status) => Decimal().Replace(status, "#");

    [GeneratedRegex(@"Backup written to (\S+\.duckdb)")]
    private static partial Regex BackupPath();

    [GeneratedRegex(@"\d+\.\d+")]
    private static partial Regex Decimal();

    private void WriteConfigWithFilesSource()
    {
        var files = Path.Combine(Folder, "files");
        Directory.CreateDirectory(files);
        WriteConfig(new { Sources = new { Files = new { Folder = files } } });
    }
}
