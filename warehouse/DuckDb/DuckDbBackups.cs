using System.Globalization;
using DuckDB.NET.Data;
using Pipeline.Warehouse.DuckDb.DbUp;

namespace Pipeline.Warehouse.DuckDb;

/// <summary>What <see cref="DuckDbBackups.RestoreAsync"/> did: the verified copy now in place, and where the replaced file went.</summary>
public sealed record RestoreResult(string Warehouse, string From, IntegrityReport Verified, string? ReplacedKeptAt);

/// <summary>
/// Backups of a DuckDB warehouse are plain copies of the database file, taken right after a CHECKPOINT while the copying
/// process holds DuckDB's writer lock: the file then holds every committed transaction and nothing else writes. Chosen
/// over <c>EXPORT DATABASE</c> because restoring is putting the file back, byte for byte, with its journal, macros and
/// comments, and the copy can be verified with the same check as the warehouse. Copies are named
/// <c>&lt;name&gt;-yyyyMMddTHHmmssfffZ.duckdb</c> (UTC), so their names sort by age.
/// </summary>
public static class DuckDbBackups
{
    private const string TimestampFormat = "yyyyMMdd'T'HHmmssfff'Z'";

    public static string BackupName(string databasePath, DateTimeOffset utc) =>
        $"{Path.GetFileNameWithoutExtension(databasePath)}-{utc.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture)}.duckdb";

    /// <summary>The backups of this warehouse in <paramref name="folder"/>, newest first.</summary>
    public static IReadOnlyList<string> List(string databasePath, string folder)
    {
        if (!Directory.Exists(folder))
        {
            return [];
        }

        var prefix = Path.GetFileNameWithoutExtension(databasePath) + "-";
        return Directory.EnumerateFiles(folder, prefix + "*.duckdb")
            .Where(f => IsTimestamp(Path.GetFileNameWithoutExtension(f)[prefix.Length..]))
            .OrderDescending(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Copies the (checkpointed, locked) database file, verifies the copy, then keeps the newest <paramref name="keep"/>.</summary>
    internal static async Task<BackupResult> CopyAsync(string databasePath, string folder, int keep, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, 1);
        Directory.CreateDirectory(folder);
        var target = Path.Combine(Path.GetFullPath(folder), BackupName(databasePath, now));
        var partial = target + ".partial";
        try
        {
            File.Copy(databasePath, partial, overwrite: true);
            var verified = await DuckDbIntegrity.CheckFileAsync(partial, cancellationToken);
            if (!verified.Healthy)
            {
                // The damage is in the warehouse itself: record it like a failed check, and keep the older backups.
                DuckDbIntegrity.Record(databasePath, verified, now);
                throw new WarehouseDamagedException(
                    $"backup refused: the warehouse {databasePath} failed its integrity check ({verified.Summary}); older backups in {folder} are kept; {IntegrityGuard.WhatToDo}");
            }

            File.Move(partial, target);
        }
        finally
        {
            File.Delete(partial);
        }

        var removed = List(databasePath, folder).Skip(keep).ToList();
        foreach (var old in removed)
        {
            File.Delete(old);
        }

        return new BackupResult(target, new FileInfo(target).Length, removed);
    }

    /// <summary>
    /// Puts a backup in place of the warehouse: verifies the copy with the integrity check, refuses while another process
    /// holds the warehouse (<see cref="WarehouseBusyException"/>), moves the replaced file (and its WAL) aside as
    /// <c>&lt;file&gt;.replaced-&lt;UTC time&gt;</c>, and clears a recorded failed check. Nothing changes when any step before
    /// the swap fails.
    /// </summary>
    public static async Task<RestoreResult> RestoreAsync(string databasePath, string from, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var warehouse = Path.GetFullPath(databasePath);
        var source = Path.GetFullPath(from);
        if (!File.Exists(source))
        {
            throw new FileNotFoundException($"no backup at {source}", source);
        }

        if (string.Equals(warehouse, source, StringComparison.Ordinal))
        {
            throw new ArgumentException($"{source} is the warehouse itself; give a backup copy", nameof(from));
        }

        var verified = await DuckDbIntegrity.CheckFileAsync(source, cancellationToken);
        if (!verified.Healthy)
        {
            throw new WarehouseDamagedException($"the backup {source} is damaged ({verified.Summary}); nothing was replaced: restore an older backup");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(warehouse)!);
        var incoming = warehouse + ".restoring";
        File.Copy(source, incoming, overwrite: true);
        try
        {
            // A read-only connection takes DuckDB's shared lock: it fails while a writer (sync, a scheduled job) holds the
            // file, and keeps every writer out until the new file is in place. A file too damaged to open cannot be held
            // by anyone either.
            DuckDBConnection? holder = null;
            if (File.Exists(warehouse))
            {
                holder = LockForSwap(warehouse);
            }

            string? aside = null;
            try
            {
                if (File.Exists(warehouse))
                {
                    aside = $"{warehouse}.replaced-{now.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture)}";
                    File.Move(warehouse, aside);
                    if (File.Exists(warehouse + ".wal"))
                    {
                        // The replaced file's log must never be replayed into the restored one.
                        File.Move(warehouse + ".wal", aside + ".wal");
                    }
                }

                File.Move(incoming, warehouse);
            }
            finally
            {
                holder?.Dispose();
            }

            File.Delete(DuckDbIntegrity.MarkerPath(warehouse));
            return new RestoreResult(warehouse, source, verified, aside);
        }
        finally
        {
            File.Delete(incoming);
        }
    }

    private static DuckDBConnection? LockForSwap(string warehouse)
    {
        var builder = new DuckDBConnectionStringBuilder { DataSource = warehouse };
        builder["access_mode"] = "READ_ONLY";
        try
        {
            return DuckDbConnections.Open(builder.ConnectionString);
        }
        catch (WarehouseDamagedException)
        {
            return null;
        }
    }

    private static bool IsTimestamp(string text) =>
        DateTime.TryParseExact(text, TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out _);
}
