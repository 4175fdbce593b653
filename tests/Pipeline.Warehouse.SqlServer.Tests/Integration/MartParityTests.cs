using System.Data.Common;
using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;
using DuckDB.NET.Data;
using Microsoft.Data.SqlClient;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Connectors.Streams;
using Pipeline.Etl;
using Pipeline.Etl.Sync;
using Pipeline.Marts.Tests;
using Pipeline.Sandbox;
using Pipeline.Sandbox.World;
using Pipeline.Warehouse.DuckDb;

namespace Pipeline.Warehouse.SqlServer.Tests.Integration;

/// <summary>
/// The semantics proven on DuckDB hold on SQL Server: one sandbox world synced by the pipeline's own runner into a
/// DuckDB file and a SQL Server database, then every mart view compared row by row.
/// </summary>
public sealed partial class MartParityTests : SqlServerTestBase
{
    private const int WorldDays = 60;

    private static readonly ReportingSettings Reporting = new() { Currency = "EUR", TimeZone = "Europe/Berlin" };

    [Test]
    public async Task Every_mart_view_has_the_same_rows_on_SQL_Server_as_on_DuckDB()
    {
        var folder = Path.Combine(Path.GetTempPath(), "pipeline-sqlserver-parity", Guid.NewGuid().ToString("N"));
        var duckDbPath = Path.Combine(folder, "warehouse.duckdb");
        try
        {
            await SyncWorldAsync(folder, duckDbPath, ConnectionString);
            await using var duck = new DuckDBConnection($"Data Source={duckDbPath}");
            await duck.OpenAsync();
            await using var sql = new SqlConnection(ConnectionString);
            await sql.OpenAsync();

            var views = Rows(duck, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'mart' AND table_type = 'VIEW' ORDER BY 1")
                .Select(r => (string)r[0]!).ToList();
            Assert.That(views, Is.Not.Empty);
            var problems = new List<string>();
            foreach (var view in views)
            {
                problems.AddRange(Compare(view, duck, sql));
            }

            Assert.That(problems, Is.Empty, $"{views.Count} mart views compared: " + string.Join(", ", views));
            var undescribed = Rows(sql,
                """
                SELECT o.name + N'.' + c.name FROM sys.columns AS c JOIN sys.views AS o ON o.object_id = c.object_id
                WHERE SCHEMA_NAME(o.schema_id) = N'mart' AND NOT EXISTS (SELECT 1 FROM sys.extended_properties AS ep
                      WHERE ep.class = 1 AND ep.major_id = c.object_id AND ep.minor_id = c.column_id AND ep.name = N'MS_Description')
                ORDER BY 1
                """).Select(r => (string)r[0]!).ToList();
            Assert.That(undescribed, Is.Empty, "every mart column carries a description BI tools show");
        }
        finally
        {
            SqlConnection.ClearAllPools();
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // left for the OS temp cleaner
            }
        }
    }

    /// <summary>Syncs one sandbox world into a DuckDB file and a SQL Server database (also used by the read-side tests).</summary>
    internal static async Task SyncWorldAsync(string folder, string duckDbPath, string connectionString)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var world = WorldOptions.Demo with { StartDate = today.AddDays(-(WorldDays - 1)), Days = WorldDays };
        var filesFolder = Path.Combine(folder, "files");
        ExampleFiles.WriteShifted(filesFolder, world.StartDate);
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { World = world });
        var sources = SandboxSources.For(sandbox, WorldDays, filesFolder: filesFolder);

        await using var provider = new ServiceCollection().AddSingleton(TimeProvider.System).AddLogging().AddConfiguredSources(sources).BuildServiceProvider();
        var catalog = new SourceCatalog(provider.GetServices<ISource>());
        await using IWarehouseEngine duck = DuckDbWarehouse.Open(new DuckDbWarehouseOptions { Path = duckDbPath, Reporting = Reporting });
        await using IWarehouseEngine sql = SqlServerWarehouse.Open(new SqlServerWarehouseOptions { ConnectionString = connectionString, Reporting = Reporting });
        foreach (var warehouse in new[] { duck, sql })
        {
            await warehouse.MigrateAsync(catalog.Streams);

            // Windows are planned from the world's "now", so both engines read exactly the same days.
            var runner = new SyncRunner(warehouse, new FixedClock(sandbox.World.AsOf), NullLogger<SyncRunner>.Instance);
            var failed = new List<string>();
            foreach (var source in catalog.Sources)
            {
                foreach (var connection in await source.ConnectAsync(CancellationToken.None))
                {
                    await using (connection)
                    {
                        var summary = await runner.SyncAsync(connection, new SyncRequest("parity-" + warehouse.Name));
                        failed.AddRange(summary.Windows.Where(w => w.Status != SyncRunStatus.Succeeded).Select(w => $"{summary.Source}.{w.Stream} {w.Window}: {w.Error}"));
                    }
                }
            }

            Assert.That(failed, Is.Empty, $"every sandbox window syncs into {warehouse.Name}");
        }
    }

    /// <summary>Column names in order, then the rows as multisets (numbers within a relative 1e-9).</summary>
    private static IEnumerable<string> Compare(string view, DbConnection duck, DbConnection sql)
    {
        List<string> duckColumns, sqlColumns;
        List<object?[]> duckRows, sqlRows;
        try
        {
            (duckColumns, duckRows) = Read(duck, $"SELECT * FROM mart.\"{view}\"");
        }
        catch (DbException ex)
        {
            return [$"mart.{view}: DuckDB: {ex.Message}"];
        }

        try
        {
            (sqlColumns, sqlRows) = Read(sql, $"SELECT * FROM mart.[{view}]");
        }
        catch (SqlException ex)
        {
            return [$"mart.{view}: SQL Server: {ex.Message}"];
        }

        if (!duckColumns.SequenceEqual(sqlColumns, StringComparer.Ordinal))
        {
            return [$"mart.{view}: columns differ: DuckDB ({string.Join(", ", duckColumns)}) vs SQL Server ({string.Join(", ", sqlColumns)})"];
        }

        if (duckRows.Count != sqlRows.Count)
        {
            return [$"mart.{view}: {duckRows.Count} rows on DuckDB, {sqlRows.Count} on SQL Server"];
        }

        var left = duckRows.Select(Normalize).OrderBy(SortKey, StringComparer.Ordinal).ToList();
        var right = sqlRows.Select(Normalize).OrderBy(SortKey, StringComparer.Ordinal).ToList();
        var problems = new List<string>();
        for (var i = 0; i < left.Count && problems.Count < 5; i++)
        {
            for (var c = 0; c < duckColumns.Count; c++)
            {
                if (!Same(left[i][c], right[i][c]))
                {
                    problems.Add($"mart.{view} row {SortKey(left[i])}: {duckColumns[c]} is {Show(left[i][c])} on DuckDB, {Show(right[i][c])} on SQL Server");
                    break;
                }
            }
        }

        return problems;
    }

    private static (List<string> Columns, List<object?[]> Rows) Read(DbConnection connection, string query)
    {
        using var command = connection.CreateCommand();
        command.CommandText = query;
        command.CommandTimeout = 600;
        using var reader = command.ExecuteReader();
        var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return (columns, rows);
    }

    private static List<object?[]> Rows(DbConnection connection, string query) => Read(connection, query).Rows;

    /// <summary>One representation per value whatever the engine returned: doubles for numbers, ISO text for dates.</summary>
    private static object?[] Normalize(object?[] row) => row.Select(v => v switch
    {
        null => null,
        bool b => b,
        string s => s,
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t when t.TimeOfDay == TimeSpan.Zero => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture),
        BigInteger i => (double)i,
        decimal m => (double)m,
        IConvertible n and not char => n.ToDouble(CultureInfo.InvariantCulture),
        var other => (object?)other.ToString(),
    }).ToArray();

    /// <summary>Rows sort by their text columns first, then numbers rounded far from any engine difference.</summary>
    private static string SortKey(object?[] row) => string.Join("\u001f", row.Select(v => v switch
    {
        null => "\u0000",
        double d => d.ToString("G6", CultureInfo.InvariantCulture),
        bool b => b ? "1" : "0",
        _ => v.ToString(),
    }));

    private static bool Same(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (double x, double y) => Math.Abs(x - y) <= 1e-9 * Math.Max(1, Math.Max(Math.Abs(x), Math.Abs(y))),
        _ => Equals(a, b),
    };

    private static string Show(object? v) => v switch
    {
        null => "NULL",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        _ => $"'{v}'",
    };

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    /// <summary>The example CSV files of ops/examples/files with every date moved into the world's span.</summary>
    private static partial class ExampleFiles
    {
        public static void WriteShifted(string folder, DateOnly worldStart)
        {
            Directory.CreateDirectory(folder);
            var source = Path.Combine(AppContext.BaseDirectory, "examples", "files");
            var files = Directory.GetFiles(source, "*.csv");
            var first = files.SelectMany(f => DatePattern().Matches(File.ReadAllText(f)).Select(m => DateOnly.ParseExact(m.Value, "yyyy-MM-dd", CultureInfo.InvariantCulture))).Min();
            var shift = worldStart.DayNumber - first.DayNumber;
            foreach (var file in files)
            {
                var text = DatePattern().Replace(File.ReadAllText(file), m =>
                    DateOnly.ParseExact(m.Value, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(shift).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                File.WriteAllText(Path.Combine(folder, Path.GetFileName(file)), text);
            }
        }

        [GeneratedRegex(@"\b\d{4}-\d{2}-\d{2}\b")]
        private static partial Regex DatePattern();
    }
}
