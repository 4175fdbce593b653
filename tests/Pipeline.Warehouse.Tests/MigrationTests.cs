using DbUp.Engine;
using DbUp.ScriptProviders;
using Pipeline.Connectors.Streams;
using Pipeline.Warehouse.DuckDb;

namespace Pipeline.Warehouse.Tests;

public sealed class MigrationTests : WarehouseTestBase
{
    private const string SchemaSnapshotSql = """
        SELECT table_schema || '.' || table_name || '.' || column_name || ':' || data_type || ':' || ordinal_position
        FROM information_schema.columns
        WHERE table_schema IN ('etl', 'staging', 'dw', 'mart')
        UNION ALL
        SELECT 'view ' || schema_name || '.' || view_name || ' = ' || sql FROM duckdb_views() WHERE NOT internal
        UNION ALL
        SELECT 'journal ' || script_name FROM etl.schema_versions
        ORDER BY 1
        """;

    [Test]
    public async Task First_migrate_creates_the_layers_the_etl_tables_staging_and_views()
    {
        await using var warehouse = Open();
        var report = await warehouse.MigrateAsync([TestStreams.Daily]);

        Assert.That(report.VersionedScriptsApplied, Is.EqualTo(new[] { "Versioned/0001_layers_and_etl.sql", "Versioned/0002_semantic_settings.sql", "Versioned/0003_alert_state.sql", "Versioned/0004_channel_mapping_keys.sql", "Versioned/0005_mart_tables.sql", "Versioned/0006_mart_changes.sql" }));
        Assert.That(report.AlwaysScriptsRun, Does.Contain("staging/test_ads_daily").And.Contain("Views/0100_etl_stream_status.sql"));
        var schemas = await QueryAsync<string>("SELECT schema_name FROM information_schema.schemata WHERE catalog_name = current_database() ORDER BY 1");
        Assert.That(schemas, Is.SupersetOf(new[] { "dw", "etl", "mart", "staging" }));
        var tables = await QueryAsync<string>("SELECT table_schema || '.' || table_name FROM information_schema.tables WHERE table_schema IN ('etl','staging') ORDER BY 1");
        Assert.That(tables, Is.SupersetOf(new[]
        {
            "etl.rejected_records", "etl.schema_versions", "etl.sync_runs", "etl.sync_state", "etl.v_stream_status", "staging.test_ads_daily",
        }));
        var columns = await QueryAsync<string>("SELECT column_name || ' ' || data_type FROM information_schema.columns WHERE table_name = 'test_ads_daily' ORDER BY ordinal_position");
        Assert.That(columns, Is.EqualTo(new[]
        {
            "date DATE", "campaign_id VARCHAR", "clicks BIGINT", "spend DECIMAL(38,9)", "reach BIGINT",
            "_account_id VARCHAR", "_run_id VARCHAR", "_loaded_at TIMESTAMP",
        }));
    }

    [Test]
    public async Task The_memory_limit_option_bounds_DuckDB_and_a_bad_size_is_refused_before_opening()
    {
        await using (var warehouse = Open(new DuckDbWarehouseOptions { Path = DbPath, MemoryLimit = "128MB" }))
        {
            await warehouse.MigrateAsync([TestStreams.Daily]);
            Assert.That(await ScalarAsync<string>("SELECT current_setting('memory_limit')"), Is.EqualTo("122.0 MiB"), "DuckDB reports 128 MB as MiB");
        }

        var error = Assert.Throws<ArgumentException>(() => Open(new DuckDbWarehouseOptions { Path = DbPath + ".other", MemoryLimit = "lots" }));
        Assert.That(error!.Message, Does.Contain("'lots' is not a size"));
        Assert.That(File.Exists(DbPath + ".other"), Is.False);
        Assert.That(DuckDbWarehouseOptions.IsMemoryLimit("2GB") && DuckDbWarehouseOptions.IsMemoryLimit("1.5 GiB") && DuckDbWarehouseOptions.IsMemoryLimit(null), Is.True);
    }

    [Test]
    public async Task A_writer_loads_on_one_DuckDB_thread_and_a_reader_keeps_one_per_core()
    {
        await using (var warehouse = Open())
        {
            await warehouse.MigrateAsync([TestStreams.Daily]);
            Assert.That(await ScalarAsync<long>("SELECT current_setting('threads')"), Is.EqualTo(1), "after the migration's queries, back to the load setting");
        }

        await using (Open(new DuckDbWarehouseOptions { Path = DbPath, ReadOnly = true }))
        {
            Assert.That(await ScalarAsync<long>("SELECT current_setting('threads')"), Is.EqualTo(Environment.ProcessorCount));
        }
    }

    [Test]
    public async Task Second_migrate_changes_nothing()
    {
        await using var warehouse = Open();
        await warehouse.MigrateAsync([TestStreams.Daily, TestStreams.Contacts]);
        var before = await QueryAsync<string>(SchemaSnapshotSql);

        var second = await warehouse.MigrateAsync([TestStreams.Daily, TestStreams.Contacts]);

        Assert.That(second.VersionedScriptsApplied, Is.Empty);
        Assert.That(await QueryAsync<string>(SchemaSnapshotSql), Is.EqualTo(before));
        Assert.That(before, Has.Some.StartsWith("view etl.v_stream_status"));
    }

    [Test]
    public async Task Broken_script_stops_with_its_name_and_the_engine_error_and_earlier_scripts_stay_applied()
    {
        var scripts = new StaticScriptProvider(
        [
            new SqlScript("9001_good.sql", "CREATE TABLE etl.good_one (a INTEGER);"),
            new SqlScript("9002_broken.sql", "CREATE TABLE etl.half_done (a INTEGER); CREATE TABLE etl.bad (a NOTATYPE);"),
            new SqlScript("9003_after.sql", "CREATE TABLE etl.after_broken (a INTEGER);"),
        ]);
        await using var warehouse = Open(new DuckDbWarehouseOptions { Path = DbPath, AdditionalScripts = [scripts] });

        var error = Assert.ThrowsAsync<MigrationFailedException>(() => warehouse.MigrateAsync([]));

        Assert.That(error!.ScriptName, Is.EqualTo("9002_broken.sql"));
        Assert.That(error.EngineError, Does.Contain("NOTATYPE"));
        Assert.That(error.Message, Does.Contain("9002_broken.sql").And.Not.Contain("\n"));
        var journal = await QueryAsync<string>("SELECT script_name FROM etl.schema_versions ORDER BY 1");
        Assert.That(journal, Does.Contain("9001_good.sql").And.Not.Contain("9002_broken.sql").And.Not.Contain("9003_after.sql"));
        var tables = await QueryAsync<string>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'etl'");
        Assert.That(tables, Does.Contain("good_one"));
        Assert.That(tables, Does.Not.Contain("half_done"), "a failed script is rolled back whole");
        Assert.That(tables, Does.Not.Contain("after_broken"), "nothing runs after a failed script");
    }

    [Test]
    public async Task Staging_table_gains_the_columns_a_stream_adds_and_keeps_its_rows()
    {
        await using (var warehouse = await OpenMigratedAsync())
        {
            await warehouse.Loader.LoadWindowAsync(
                TestStreams.Contacts,
                new LoadWindow("acc", "run1"),
                TestStreams.Rows(TestStreams.Contact("c1", "lead", new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc))));
        }

        var grown = new StreamDescriptor(
            "test", "contacts", StreamKind.Entity, [.. TestStreams.Contacts.Fields, new FieldDef("score", FieldType.Double)], ["id"], "updated_at");
        await using (var warehouse = Open())
        {
            await warehouse.MigrateAsync([grown]);
        }

        Assert.That(await QueryAsync<string>("SELECT column_name FROM information_schema.columns WHERE table_name = 'test_contacts'"), Does.Contain("score"));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM staging.test_contacts WHERE id = 'c1' AND score IS NULL"), Is.EqualTo(1));
    }
}

public sealed class StagingColumnCommentTests : WarehouseTestBase
{
    private static readonly StreamDescriptor Described = new(
        "test",
        "rates",
        StreamKind.Entity,
        [
            new FieldDef("id", FieldType.String, Nullable: false),
            new FieldDef("open_rate", FieldType.Double, Description: "A PERCENT, not a fraction: it's 34.5 for 34.5 %."),
            new FieldDef("click_rate", FieldType.Double),
        ],
        ["id"],
        "id");

    [Test]
    public async Task A_field_description_becomes_its_staging_column_comment_and_undescribed_columns_get_none()
    {
        await using (var warehouse = Open())
        {
            await warehouse.MigrateAsync([Described]);
        }

        var comments = (await QueryAsync<(string Column, string? Comment)>(
                "SELECT column_name, comment FROM duckdb_columns() WHERE schema_name = 'staging' AND table_name = 'test_rates'"))
            .ToDictionary(c => c.Column, c => c.Comment);
        Assert.That(comments["open_rate"], Is.EqualTo("A PERCENT, not a fraction: it's 34.5 for 34.5 %."), "quotes survive");
        Assert.That(comments["click_rate"], Is.Null);
    }
}
