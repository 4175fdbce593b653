using Dapper;
using DuckDB.NET.Data;
using Pipeline.Etl;
using Pipeline.Etl.Scheduling;
using Pipeline.Scheduling.Tests.Support;
using Pipeline.Warehouse.DuckDb;

namespace Pipeline.Scheduling.Tests;

/// <summary>The BI copy of the marts: complete, atomic, and harmless to readers that hold an older copy open.</summary>
public sealed class PublishTests : TestFolder
{
    [Test]
    public async Task A_reader_holding_the_old_copy_keeps_reading_it_while_a_run_writes_and_publishes_and_new_readers_see_the_new_copy()
    {
        var source = new SlowSource(firstRunDays: 1);
        await using var host = await SchedulingHost.StartAsync(Folder, [source]);
        var copy = host.Options.Publish.Path;
        await using (var warehouse = (DuckDbWarehouse)host.Get<WarehouseFactory>().Open())
        {
            await new MartPublisher(warehouse).PublishAsync(copy, "run-1");
        }

        await using var early = await OpenReaderAsync(copy);
        var mappings = await early.ExecuteScalarAsync<long>("SELECT count(*) FROM dw.channel_mapping");
        Assert.That(await early.ExecuteScalarAsync<string>("SELECT run_id FROM etl.published"), Is.EqualTo("run-1"));

        // A scheduled run writes the live warehouse (a mapping edited meanwhile, a window loaded) and publishes.
        await using (var live = await host.OpenWarehouseAsync())
        {
            await live.ExecuteAsync("INSERT INTO dw.channel_mapping VALUES ('files', 'newsletter_swap', 'Email')");
        }

        var run = await host.Get<AccountSync>().RunAsync(new ScheduledAccount("slow", null, "all"), CancellationToken.None);
        Assert.That(run.CommittedWindows, Is.EqualTo(1));

        Assert.That(await early.ExecuteScalarAsync<string>("SELECT run_id FROM etl.published"), Is.EqualTo("run-1"), "the early reader still reads its copy");
        Assert.That(await early.ExecuteScalarAsync<long>("SELECT count(*) FROM dw.channel_mapping"), Is.EqualTo(mappings));

        await using var late = await OpenReaderAsync(copy, fresh: true);
        Assert.That(await late.ExecuteScalarAsync<string>("SELECT run_id FROM etl.published"), Is.EqualTo(run.RunId), "a new reader opens the new copy");
        Assert.That(await late.ExecuteScalarAsync<long>("SELECT count(*) FROM dw.channel_mapping"), Is.EqualTo(mappings + 1));
        Assert.That(Directory.GetFiles(Folder).Select(Path.GetFileName), Is.EquivalentTo(new[] { "warehouse.duckdb", "warehouse.duckdb.wal", "marts.duckdb" }).Or.EquivalentTo(new[] { "warehouse.duckdb", "marts.duckdb" }),
            "no temporary file or WAL is left beside the copy");
    }

    [Test]
    public async Task The_copy_holds_every_dw_and_mart_object_as_a_table_with_its_comments_and_the_range_macro_but_no_staging()
    {
        await using var host = await SchedulingHost.StartAsync(Folder, [new SlowSource()]);
        await using var live = await host.OpenWarehouseAsync();
        var expected = (await live.QueryAsync<string>(
            """
            SELECT schema_name || '.' || table_name FROM duckdb_tables() WHERE schema_name IN ('dw', 'mart') AND NOT internal
            UNION ALL SELECT schema_name || '.' || view_name FROM duckdb_views() WHERE schema_name IN ('dw', 'mart') AND NOT internal
            """)).ToList();
        var comment = await live.ExecuteScalarAsync<string>("SELECT comment FROM duckdb_columns() WHERE schema_name = 'mart' AND table_name = 'kpi_anomalies' AND column_name = 'robust_z'");
        // A row only the mart table holds: the copy's dw.kpi_measure_daily shows whether it was copied from the table.
        await live.ExecuteAsync("INSERT INTO mart.kpi_measure_daily VALUES (DATE '2001-02-03', 'marker', NULL, NULL, NULL, NULL, 'total', 'sessions', 1)");

        PublishResultHolder result;
        await using (var warehouse = (DuckDbWarehouse)host.Get<WarehouseFactory>().Open())
        {
            result = new(await new MartPublisher(warehouse).PublishAsync(host.Options.Publish.Path, "run-x"));
        }

        await using var copy = await OpenReaderAsync(host.Options.Publish.Path);
        var tables = (await copy.QueryAsync<string>("SELECT schema_name || '.' || table_name FROM duckdb_tables() WHERE schema_name IN ('dw', 'mart')")).ToList();
        Assert.That(tables, Is.EquivalentTo(expected), "every dw and mart view became a table");
        Assert.That(await copy.ExecuteScalarAsync<long>("SELECT count(*) FROM duckdb_views() WHERE NOT internal"), Is.Zero);
        Assert.That(await copy.ExecuteScalarAsync<long>("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'staging'"), Is.Zero, "staging stays in the live warehouse");
        Assert.That(await copy.ExecuteScalarAsync<string>("SELECT comment FROM duckdb_columns() WHERE schema_name = 'mart' AND table_name = 'kpi_anomalies' AND column_name = 'robust_z'"), Is.EqualTo(comment));
        Assert.That(await copy.ExecuteScalarAsync<string>("SELECT comment FROM duckdb_tables() WHERE schema_name = 'mart' AND table_name = 'kpi_anomalies'"), Does.StartWith("Days on which a KPI"));
        Assert.That(await copy.ExecuteScalarAsync<long>("SELECT count(*) FROM mart.kpi_over_range(DATE '2026-01-01', DATE '2026-01-31')"), Is.GreaterThanOrEqualTo(0), "the range macro works on the copy");
        Assert.That(await copy.ExecuteScalarAsync<long>("SELECT count(*) FROM mart.kpi_catalog"), Is.GreaterThan(10));
        Assert.That(result.Value.Tables, Is.EqualTo(expected.Count));

        // dw.kpi_measure_daily is copied from mart.kpi_measure_daily (which keeps it whole), not recomputed.
        const string Columns = "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'dw' AND table_name = 'kpi_measure_daily' ORDER BY column_index";
        Assert.That((await copy.QueryAsync<string>(Columns)).ToList(), Is.EqualTo((await live.QueryAsync<string>(Columns)).ToList()).And.Not.Empty);
        Assert.That(await copy.ExecuteScalarAsync<long>("SELECT count(*) FROM dw.kpi_measure_daily"), Is.EqualTo(await live.ExecuteScalarAsync<long>("SELECT count(*) FROM mart.kpi_measure_daily")));
        Assert.That(await copy.ExecuteScalarAsync<long>("SELECT count(*) FROM dw.kpi_measure_daily WHERE platform = 'marker'"), Is.EqualTo(1L), "copied from the mart table, not recomputed from the facts");
        Assert.That(await copy.ExecuteScalarAsync<string>("SELECT comment FROM duckdb_tables() WHERE schema_name = 'dw' AND table_name = 'kpi_measure_daily'"), Does.StartWith("Long fact of every additive base measure"));
    }

    /// <summary>
    /// A read-only connection as a BI tool opens one. DuckDB.NET shares one database instance per data source string
    /// within a process, which a separate BI process would not; <paramref name="fresh"/> spells the path differently
    /// so this reader opens the file as it is now, as a new process would.
    /// </summary>
    private static async Task<DuckDBConnection> OpenReaderAsync(string path, bool fresh = false)
    {
        var full = Path.GetFullPath(path);
        var spelled = fresh ? Path.Combine(Path.GetDirectoryName(full)!, ".", Path.GetFileName(full)) : full;
        var connection = new DuckDBConnection($"Data Source={spelled};ACCESS_MODE=READ_ONLY");
        await connection.OpenAsync();
        return connection;
    }

    private sealed record PublishResultHolder(Pipeline.Warehouse.PublishResult Value);
}
