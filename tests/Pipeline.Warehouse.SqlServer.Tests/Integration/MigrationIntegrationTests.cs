using DbUp.Engine;
using DbUp.Engine.Transactions;
using Microsoft.Data.SqlClient;

namespace Pipeline.Warehouse.SqlServer.Tests.Integration;

public sealed class MigrationIntegrationTests : SqlServerTestBase
{
    private const string ObjectsSql =
        """
        SELECT s.name + N'.' + o.name + N' ' + RTRIM(o.type)
        FROM sys.objects AS o JOIN sys.schemas AS s ON s.schema_id = o.schema_id
        WHERE s.name IN (N'etl', N'staging', N'dw', N'mart') AND o.type IN ('U', 'V', 'P', 'IF', 'TF', 'FN')
        ORDER BY 1
        """;

    [Test]
    public async Task Migrating_twice_creates_the_database_then_changes_nothing()
    {
        await using var warehouse = Open();

        var first = await warehouse.MigrateAsync(TestStreams.All);
        var objects = await QueryAsync<string>(ObjectsSql);
        var journal = await QueryAsync<string>("SELECT script_name FROM etl.schema_versions ORDER BY script_name");
        var second = await warehouse.MigrateAsync(TestStreams.All);

        Assert.That(first.VersionedScriptsApplied, Is.SupersetOf(new[]
        {
            "Versioned/0001_layers_and_etl.sql", "Versioned/0002_semantic_settings.sql", "Versioned/0003_security_roles.sql",
        }));
        Assert.That(second.VersionedScriptsApplied, Is.Empty, "a second migrate applies nothing");
        Assert.That(second.AlwaysScriptsRun, Is.EqualTo(first.AlwaysScriptsRun), "staging tables and views are redeployed every time");
        Assert.That(await QueryAsync<string>(ObjectsSql), Is.EqualTo(objects));
        Assert.That(await QueryAsync<string>("SELECT script_name FROM etl.schema_versions ORDER BY script_name"), Is.EqualTo(journal));
        Assert.That(objects, Is.SupersetOf(new[]
        {
            "etl.rejected_records U", "etl.set_description P", "etl.sync_runs U", "etl.sync_state U", "etl.v_stream_status V",
            "dw.channel_mapping U", "dw.country_codes U", "mart.kpi_catalog V",
            "staging.test_ads_daily U", "staging.test_contacts U", "staging.test_targets U",
        }));
        Assert.That(await ScalarAsync<int>("SELECT compatibility_level FROM sys.databases WHERE database_id = DB_ID()"), Is.GreaterThanOrEqualTo(160));
        Assert.That(await ScalarAsync<int>("SELECT COUNT(*) FROM mart.kpi_catalog"), Is.EqualTo(Kpi.KpiCatalog.All.Count));
    }

    [Test]
    public async Task Report_tables_are_columnstore_and_entity_tables_clustered_on_their_key()
    {
        await using var warehouse = await OpenMigratedAsync();

        var indexes = await QueryAsync<string>(
            """
            SELECT OBJECT_NAME(i.object_id) + N' ' + i.type_desc + CASE WHEN i.is_primary_key = 1 THEN N' PK' ELSE N'' END
            FROM sys.indexes AS i WHERE OBJECT_SCHEMA_NAME(i.object_id) = N'staging' AND i.index_id = 1 ORDER BY 1
            """);

        Assert.That(indexes, Is.EqualTo(new[] { "test_ads_daily CLUSTERED COLUMNSTORE", "test_contacts CLUSTERED PK", "test_targets CLUSTERED PK" }));
    }

    [Test]
    public async Task A_new_field_becomes_a_new_column_and_existing_rows_keep_theirs()
    {
        await using var warehouse = await OpenMigratedAsync();
        var wider = new Connectors.Streams.StreamDescriptor(
            "test", "contacts", Connectors.Streams.StreamKind.Entity,
            [.. TestStreams.Contacts.Fields, new Connectors.Streams.FieldDef("score", Connectors.Streams.FieldType.Double)],
            ["id"], "updated_at");

        await warehouse.MigrateAsync([TestStreams.Daily, wider, TestStreams.Targets]);

        Assert.That(await ScalarAsync<string>(
            "SELECT DATA_TYPE FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = N'staging' AND TABLE_NAME = N'test_contacts' AND COLUMN_NAME = N'score'"),
            Is.EqualTo("float"));
    }

    [Test]
    public async Task A_failing_script_is_named_and_earlier_scripts_stay_applied()
    {
        await using var warehouse = Open(Options(o => new SqlServerWarehouseOptions
        {
            ConnectionString = o.ConnectionString,
            AdditionalScripts = [new BrokenScript()],
        }));

        var ex = Assert.ThrowsAsync<MigrationFailedException>(() => warehouse.MigrateAsync(TestStreams.All));

        Assert.That(ex!.ScriptName, Is.EqualTo("9999_broken"));
        Assert.That(ex.EngineError, Does.Contain("no_such_table"));
        Assert.That(await ScalarAsync<int>("SELECT COUNT(*) FROM etl.schema_versions"), Is.GreaterThanOrEqualTo(3));
    }

    [Test]
    public async Task The_BI_reader_role_reads_dw_and_mart_but_not_staging_or_etl()
    {
        await using var warehouse = await OpenMigratedAsync();
        await ExecuteAsync("CREATE USER bi_probe WITHOUT LOGIN; ALTER ROLE pipeline_bi_reader ADD MEMBER bi_probe;");

        await using var connection = new SqlConnection(ConnectionString);
        await connection.OpenAsync();
        await Dapper.SqlMapper.ExecuteAsync(connection, "EXECUTE AS USER = N'bi_probe';");
        var kpis = await Dapper.SqlMapper.ExecuteScalarAsync<int>(connection, "SELECT COUNT(*) FROM mart.kpi_catalog");
        var mappings = await Dapper.SqlMapper.ExecuteScalarAsync<int>(connection, "SELECT COUNT(*) FROM dw.channel_mapping");
        var staging = Assert.ThrowsAsync<SqlException>(() => Dapper.SqlMapper.ExecuteScalarAsync<int>(connection, "SELECT COUNT(*) FROM staging.test_ads_daily"));
        var etl = Assert.ThrowsAsync<SqlException>(() => Dapper.SqlMapper.ExecuteScalarAsync<int>(connection, "SELECT COUNT(*) FROM etl.sync_state"));
        var write = Assert.ThrowsAsync<SqlException>(() => Dapper.SqlMapper.ExecuteAsync(connection, "DELETE FROM dw.channel_mapping"));
        await Dapper.SqlMapper.ExecuteAsync(connection, "REVERT;");

        Assert.That(kpis, Is.EqualTo(Kpi.KpiCatalog.All.Count));
        Assert.That(mappings, Is.GreaterThan(0));
        Assert.That(new[] { staging!.Number, etl!.Number, write!.Number }, Is.All.EqualTo(229), "permission denied");
    }

    [Test]
    public async Task The_grant_helper_maps_a_login_once_and_is_idempotent()
    {
        await using var warehouse = await OpenMigratedAsync();
        var login = "pipeline_it_bi_" + Guid.NewGuid().ToString("N")[..8];
        await using var master = new SqlConnection(SqlServerTarget.WithDatabase(Server, "master"));
        try
        {
            // A throwaway login with a password made here and never stored.
            await Dapper.SqlMapper.ExecuteAsync(master, $"CREATE LOGIN [{login}] WITH PASSWORD = N'{"Aa1!" + Guid.NewGuid().ToString("N")}', CHECK_POLICY = OFF;");
        }
        catch (SqlException ex) when (ex.Number is 15247 or 262 or 229)
        {
            Assert.Ignore($"the integration login may not create logins ({ex.Message})");
        }

        try
        {
            var first = await warehouse.GrantBiReaderAsync(login);
            var second = await warehouse.GrantBiReaderAsync(login);

            Assert.That(first, Is.EqualTo(new BiReaderGrant(login, login, UserCreated: true, AlreadyMember: false)));
            Assert.That(second, Is.EqualTo(new BiReaderGrant(login, login, UserCreated: false, AlreadyMember: true)));
            Assert.That(await ScalarAsync<int>("SELECT IS_ROLEMEMBER(N'pipeline_bi_reader', @login)", new { login }), Is.EqualTo(1));
            var missing = Assert.ThrowsAsync<InvalidOperationException>(() => warehouse.GrantBiReaderAsync("no_such_login_" + Guid.NewGuid().ToString("N")[..6]));
            Assert.That(missing!.Message, Does.Contain("no login"));
        }
        finally
        {
            await Dapper.SqlMapper.ExecuteAsync(master, $"IF SUSER_ID(N'{login}') IS NOT NULL DROP LOGIN [{login}];");
        }
    }

    [Test]
    public async Task Status_reads_objects_runs_and_stream_state()
    {
        await using var warehouse = await OpenMigratedAsync();
        var day = new DateOnly(2026, 3, 1);
        await warehouse.RunLog.RunStartedAsync(new SyncRunRecord("run1", "test", "ads_daily", "acc") { WindowFrom = day, WindowTo = day });
        await warehouse.Loader.LoadWindowAsync(TestStreams.Daily, new LoadWindow("acc", "run1", day, day), TestStreams.Rows(TestStreams.Day(day, "c1", 1, 1m)));
        await warehouse.RunLog.RunFinishedAsync(new SyncRunRecord("run1", "test", "ads_daily", "acc")
        {
            WindowFrom = day, WindowTo = day, Status = SyncRunStatus.Succeeded, RowsRead = 1, RowsWritten = 1, FinishedAt = DateTime.UtcNow,
        });

        var status = await warehouse.ReadStatusAsync();

        Assert.That(status.Objects.Single(o => o is { Schema: "staging", Name: "test_ads_daily" }).Rows, Is.EqualTo(1));
        Assert.That(status.Objects.Single(o => o is { Schema: "mart", Name: "kpi_catalog" }).Kind, Is.EqualTo("view"));
        var run = status.RecentRuns.Single();
        Assert.That((run.Status, run.RowsWritten, run.WindowFrom, run.WindowTo), Is.EqualTo((SyncRunStatus.Succeeded, 1L, (DateOnly?)day, (DateOnly?)day)));
        var state = status.States.Single();
        Assert.That((state.Stream, state.Cursor, state.LastStatus), Is.EqualTo(("ads_daily", "2026-03-01", "Succeeded")));
        Assert.That(await warehouse.RunLog.GetCursorAsync("test", "ads_daily", "acc"), Is.EqualTo("2026-03-01"));
    }

    [Test]
    public async Task A_missing_database_is_an_error_for_read_only_commands()
    {
        await using var warehouse = Open(Options(o => new SqlServerWarehouseOptions { ConnectionString = o.ConnectionString, CreateIfMissing = false }));

        var ex = Assert.ThrowsAsync<InvalidOperationException>(() => warehouse.ReadStatusAsync());

        Assert.That(ex!.Message, Does.Contain($"no warehouse database '{Database}'").And.Contain("pipeline migrate"));
    }

    private sealed class BrokenScript : IScriptProvider
    {
        public IEnumerable<SqlScript> GetScripts(IConnectionManager connectionManager) =>
            [new SqlScript("9999_broken", "SELECT * FROM dbo.no_such_table;", new SqlScriptOptions { RunGroupOrder = 9 })];
    }
}
