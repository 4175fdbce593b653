using System.Globalization;
using Dapper;
using DuckDB.NET.Data;
using Pipeline.Warehouse.DuckDb.DbUp;

namespace Pipeline.Warehouse.DuckDb;

/// <summary>
/// Integrity of a DuckDB file. DuckDB keeps a checksum per 256 KiB block and verifies it when it reads the block from
/// disk, so reading every column of every table from a freshly opened database reads (and verifies) every data block.
/// <c>count(*)</c> alone is not enough: it is answered from row-group metadata without touching column data. A failed
/// check is recorded in a marker file beside the database (<c>&lt;file&gt;.check-failed</c>), not inside it: writing
/// into a damaged file is exactly what must not happen.
/// </summary>
internal static class DuckDbIntegrity
{
    public static string MarkerPath(string databasePath) => Path.GetFullPath(databasePath) + ".check-failed";

    /// <summary>Reads every base table of the open database; a block that fails its checksum names its table.</summary>
    public static async Task<IntegrityReport> CheckAsync(DuckDBConnection connection, CancellationToken cancellationToken)
    {
        var tables = (await connection.QueryAsync<(string Schema, string Name)>(new CommandDefinition(
            """
            SELECT schema_name, table_name FROM duckdb_tables()
            WHERE database_name = current_database() AND NOT temporary
            ORDER BY schema_name, table_name
            """,
            cancellationToken: cancellationToken))).ToList();
        var checks = new List<TableCheck>(tables.Count);
        foreach (var (schema, name) in tables)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                // hash() of every column forces DuckDB to read (and checksum) every data and validity segment. The
                // hashes must be the query's output: wrapped in an outer count(*), the optimizer prunes them and reads
                // nothing (a damaged block then passed the check).
                await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(
                    $"SELECT bit_xor(hash(COLUMNS(*))) FROM {DuckDbTypes.Quote(schema)}.{DuckDbTypes.Quote(name)}",
                    cancellationToken: cancellationToken));
                while (await reader.ReadAsync(cancellationToken))
                {
                    for (var i = 0; i < reader.FieldCount; i++)
                    {
                        _ = reader.GetValue(i);
                    }
                }

                checks.Add(new TableCheck(schema, name, null));
            }
            catch (DuckDBException ex)
            {
                checks.Add(new TableCheck(schema, name, DuckDbWarehouse.OneLine(ex.Message)));
            }
        }

        return new IntegrityReport(checks);
    }

    /// <summary>Checks a database file that nobody has open (a backup copy), read-only.</summary>
    public static async Task<IntegrityReport> CheckFileAsync(string path, CancellationToken cancellationToken)
    {
        var builder = new DuckDBConnectionStringBuilder { DataSource = Path.GetFullPath(path) };
        builder["access_mode"] = "READ_ONLY";
        DuckDBConnection connection;
        try
        {
            connection = DuckDbConnections.Open(builder.ConnectionString);
        }
        catch (WarehouseDamagedException ex)
        {
            return new IntegrityReport([new TableCheck("(file)", Path.GetFileName(path), ex.InnerException?.Message is { } m ? DuckDbWarehouse.OneLine(m) : ex.Message)]);
        }

        await using (connection)
        {
            return await CheckAsync(connection, cancellationToken);
        }
    }

    /// <summary>Records the outcome beside the database: a failed check writes the marker, a passing one removes it.</summary>
    public static void Record(string databasePath, IntegrityReport report, DateTimeOffset now)
    {
        var marker = MarkerPath(databasePath);
        if (report.Healthy)
        {
            File.Delete(marker);
            return;
        }

        File.WriteAllText(marker, string.Create(CultureInfo.InvariantCulture, $"failed at {now:yyyy-MM-dd HH:mm:ss} UTC: {report.Summary}"));
    }

    public static string? ReadFailed(string databasePath)
    {
        var marker = MarkerPath(databasePath);
        return File.Exists(marker) ? DuckDbWarehouse.OneLine(File.ReadAllText(marker)) : null;
    }
}
