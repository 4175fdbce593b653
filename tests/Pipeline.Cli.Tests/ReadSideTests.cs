using System.Numerics;
using System.Reflection;
using System.Text.RegularExpressions;
using Pipeline.Warehouse;
using Pipeline.Warehouse.DuckDb;

namespace Pipeline.Cli.Tests;

/// <summary>
/// The read queries written once for both engines (<see cref="MartQueries"/>) run on a warehouse the CLI migrated,
/// through the engine's reader; the same texts rendered for SQL Server are parsed in Pipeline.SqlServer.Scripts.Tests.
/// </summary>
public sealed class ReadSideTests : CliTestBase
{
    [Test]
    public async Task Every_shared_read_query_runs_on_DuckDB_through_the_engine_reader()
    {
        var migrate = await RunWithConfigAsync("migrate");
        Assert.That(migrate.ExitCode, Is.EqualTo(ExitCodes.Ok), migrate.Error);
        await using var warehouse = DuckDbWarehouse.Open(new DuckDbWarehouseOptions { Path = WarehousePath, CreateIfMissing = false });

        var failures = new List<string>();
        foreach (var (name, sql, parameters) in MartQueries.Examples(warehouse.Reader.Dialect))
        {
            try
            {
                await warehouse.Reader.QueryAsync(sql, parameters);
            }
            catch (Exception ex) when (ex is DuckDB.NET.Data.DuckDBException or InvalidOperationException)
            {
                failures.Add($"{name}: {ex.Message}");
            }
        }

        Assert.That(failures, Is.Empty);
        var objects = await warehouse.Reader.QueryAsync(MartQueries.CountMartObjects(warehouse.Reader.Dialect, MartQueries.ReportViews));
        Assert.That(objects[0].Long(0), Is.EqualTo(MartQueries.ReportViews.Count + 1), "every view the report reads and the range macro are found");
        var catalog = await warehouse.Reader.QueryAsync(MartQueries.KpiCatalog);
        Assert.That(catalog.Select(r => r.Text(0)), Does.Contain("sessions").And.Contain("ctr"));
    }

    [Test]
    public void Examples_cover_every_public_query()
    {
        var queries = typeof(MartQueries).GetMembers(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m is FieldInfo { FieldType: var t } && t == typeof(string)
                        || m is MethodInfo { ReturnType: var r } method && (r == typeof(string) || method.Name == nameof(MartQueries.MonthlyKpis)))
            .Select(m => m.Name)
            .ToList();
        var covered = MartQueries.Examples(DuckDbDialect.Instance).Select(e => e.Name.Split(' ')[0]).ToHashSet(StringComparer.Ordinal);

        Assert.That(queries, Is.Not.Empty);
        Assert.That(queries.Where(q => !covered.Contains(q)), Is.Empty, "a query without an example is neither run on DuckDB nor parsed as T-SQL");
    }

    [TestCase("$from AND $from_day", "from", true)]
    [TestCase("segment_type = $segment_type", "segment", false)]
    [TestCase("lower($segment)", "segment", true)]
    [TestCase("x = $segment", "segment", true)]
    public void A_parameter_is_used_only_where_named_whole(string sql, string name, bool used) =>
        Assert.That(DuckDbDialect.Instance.Uses(sql, name), Is.EqualTo(used));

    [Test]
    public void Rows_read_the_same_whichever_CLR_type_the_engine_hands_out()
    {
        var duck = new SqlRow([new DateOnly(2026, 3, 1), new BigInteger(12), 1.5m, double.NaN, true, null]);
        var sqlServer = new SqlRow([new DateTime(2026, 3, 1), 12L, 1.5, double.PositiveInfinity, 1, null]);

        foreach (var row in new[] { duck, sqlServer })
        {
            Assert.That(row.Date(0), Is.EqualTo(new DateOnly(2026, 3, 1)));
            Assert.That(row.Long(1), Is.EqualTo(12));
            Assert.That(row.Double(2), Is.EqualTo(1.5));
            Assert.That(row.Decimal(2), Is.EqualTo(1.5m));
            Assert.That(row.Double(3), Is.Null, "a division by zero is no number");
            Assert.That(row.Bool(4), Is.True);
            Assert.That((row.TextOrNull(5), row.Text(5), row.Double(5), row.DateOrNull(5)), Is.EqualTo(((string?)null, "", (double?)null, (DateOnly?)null)));
        }
    }

    [Test]
    public async Task Publish_on_SQL_Server_says_what_BI_tools_read_there_without_connecting()
    {
        WriteConfig(new { Warehouse = new { Engine = "sqlserver", SqlServer = new { ConnectionString = "Server=127.0.0.1,1;Database=wh;User ID=sa;Password=x;Connect Timeout=1" } } });

        var result = await RunWithConfigAsync("publish");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Error);
        // The console wraps long lines; the sentence is read with its line breaks as spaces.
        Assert.That(Regex.Replace(result.Out, @"\s+", " "), Does.Contain("Nothing to publish on sqlserver (127.0.0.1,1/wh)")
            .And.Contain("BI tools read dw and mart live through the pipeline_bi_reader role"));
    }
}
