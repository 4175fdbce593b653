using System.Globalization;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Data.SqlClient;

namespace Pipeline.Warehouse.SqlServer;

/// <summary>
/// Integrity and backups on SQL Server use the server's own tools: <c>DBCC CHECKDB</c> verifies every page of the
/// database (messages name object ids, mapped to tables here), and <c>BACKUP DATABASE … WITH COPY_ONLY, CHECKSUM</c>
/// writes a native backup to a path on the server, which <c>RESTORE VERIFYONLY</c> then reads back. Rotation of the
/// server's backup files belongs to the server's maintenance (SQL Agent job or maintenance plan), not to this client.
/// </summary>
internal static partial class SqlServerIntegrity
{
    /// <summary>The <c>etl.alert_state</c> key a failed check is recorded under.</summary>
    public const string FailedCheckKey = "integrity:check-failed";

    public const string BackupStatement =
        "BACKUP DATABASE @database TO DISK = @disk WITH COPY_ONLY, CHECKSUM, INIT, NAME = N'pipeline backup'; RESTORE VERIFYONLY FROM DISK = @disk WITH CHECKSUM;";

    public static async Task<IntegrityReport> CheckAsync(SqlConnection connection, string database, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var tables = (await connection.QueryAsync<(int Id, string Schema, string Name)>(new CommandDefinition(
            "SELECT t.object_id, s.name, t.name FROM sys.tables t JOIN sys.schemas s ON s.schema_id = t.schema_id WHERE t.is_ms_shipped = 0 ORDER BY s.name, t.name",
            cancellationToken: cancellationToken))).ToList();
        var messages = new List<string>();
        void Collect(object? sender, SqlInfoMessageEventArgs e) => messages.AddRange(e.Errors.Cast<SqlError>().Select(x => x.Message));
        connection.InfoMessage += Collect;
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "DBCC CHECKDB (@database) WITH NO_INFOMSGS, ALL_ERRORMSGS", new { database }, commandTimeout: (int)timeout.TotalSeconds, cancellationToken: cancellationToken));
        }
        catch (SqlException ex)
        {
            messages.AddRange(ex.Errors.Cast<SqlError>().Select(x => x.Message));
        }
        finally
        {
            connection.InfoMessage -= Collect;
        }

        var errorsByObject = new Dictionary<int, string>();
        var unplaced = new List<string>();
        foreach (var message in messages)
        {
            if (ObjectId().Match(message) is { Success: true } m && int.TryParse(m.Groups[1].Value, CultureInfo.InvariantCulture, out var id) && tables.Any(t => t.Id == id))
            {
                errorsByObject.TryAdd(id, message);
            }
            else
            {
                unplaced.Add(message);
            }
        }

        var checks = tables.Select(t => new TableCheck(t.Schema, t.Name, errorsByObject.GetValueOrDefault(t.Id))).ToList();
        if (unplaced.Count > 0)
        {
            checks.Add(new TableCheck("(database)", database, string.Join(" | ", unplaced.Take(3))));
        }

        return new IntegrityReport(checks);
    }

    public static string DiskPath(string folder, string database, DateTimeOffset utc) =>
        $"{folder.TrimEnd('/', '\\')}{(folder.Contains('\\', StringComparison.Ordinal) ? '\\' : '/')}{database}-{utc.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture)}.bak";

    [GeneratedRegex(@"Object ID (\d+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ObjectId();
}
