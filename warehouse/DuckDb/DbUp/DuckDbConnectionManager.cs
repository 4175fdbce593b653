using DbUp.Engine.Transactions;
using DuckDB.NET.Data;

namespace Pipeline.Warehouse.DuckDb.DbUp;

/// <summary>
/// DbUp connection manager for DuckDB. DuckDB parses several statements in one command, so a script is sent
/// whole: the engine's error then points at the statement that failed.
/// </summary>
public sealed class DuckDbConnectionManager : DatabaseConnectionManager
{
    public DuckDbConnectionManager(string connectionString)
        : base(_ => DuckDbConnections.Open(connectionString))
    {
    }

    public override IEnumerable<string> SplitScriptIntoCommands(string scriptContents) =>
        string.IsNullOrWhiteSpace(scriptContents) ? [] : [scriptContents];
}

internal static class DuckDbConnections
{
    /// <summary>Opens a connection, turning DuckDB's file-lock error into <see cref="WarehouseBusyException"/>.</summary>
    public static DuckDBConnection Open(string connectionString)
    {
        var connection = new DuckDBConnection(connectionString);
        try
        {
            connection.Open();
            return connection;
        }
        catch (DuckDBException ex) when (WarehouseLock.TryDescribe(ex.Message, out var holder, out var processId))
        {
            connection.Dispose();
            throw new WarehouseBusyException($"warehouse is busy (held by {holder}): {connection.DataSource}", ex) { HolderProcessId = processId };
        }
        catch (DuckDBException ex) when (Unwritable(ex.Message) is { } why)
        {
            // DuckDB says "DuckDBOpen failed: IO Error: Cannot open file ...": name the file and what to check instead.
            connection.Dispose();
            throw new IOException(
                $"cannot open the warehouse {connection.DataSource} for writing: {why}; check the permissions of the file and its folder, and that the disk is not mounted read-only",
                ex);
        }
        catch (DuckDBException ex) when (Damaged(ex.Message))
        {
            // DuckDB says "DuckDBOpen failed: IO Error: Corrupt database file: computed checksum …": say what it means.
            connection.Dispose();
            throw new WarehouseDamagedException(
                $"the warehouse {connection.DataSource} is damaged and cannot be opened ({DuckDbWarehouse.OneLine(ex.Message)}); {IntegrityGuard.WhatToDo}",
                ex);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static bool Damaged(string engineMessage) =>
        engineMessage.Contains("Corrupt database file", StringComparison.OrdinalIgnoreCase)
        || engineMessage.Contains("not a valid DuckDB database file", StringComparison.OrdinalIgnoreCase);

    private static string? Unwritable(string engineMessage) =>
        engineMessage.Contains("Permission denied", StringComparison.OrdinalIgnoreCase) ? "permission denied"
        : engineMessage.Contains("Read-only file system", StringComparison.OrdinalIgnoreCase) ? "the file system is read-only"
        : null;
}
