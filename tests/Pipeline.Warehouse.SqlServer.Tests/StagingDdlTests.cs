using Pipeline.Connectors.Streams;

namespace Pipeline.Warehouse.SqlServer.Tests;

public sealed class StagingDdlTests
{
    private static IEnumerable<StreamDescriptor> BuiltIn() => Etl.Sources.BuiltInStreams;

    [Test]
    public void Report_tables_are_clustered_columnstore_without_a_key_constraint()
    {
        var sql = StagingTablesScriptProvider.CreateTableSql(TestStreams.Daily);

        Assert.That(sql, Does.Contain("CREATE TABLE staging.[test_ads_daily] ("));
        Assert.That(sql, Does.Contain("CREATE CLUSTERED COLUMNSTORE INDEX [cci_test_ads_daily] ON staging.[test_ads_daily];"));
        Assert.That(sql, Does.Not.Contain("PRIMARY KEY"));
        Assert.That(sql, Does.Contain("[date] date NULL,").And.Contain("[campaign_id] nvarchar(4000) NULL,").And.Contain("[spend] decimal(38, 9) NULL,"));
        Assert.That(sql, Does.Contain("_account_id nvarchar(128) NOT NULL,").And.Contain("_run_id nvarchar(64) NOT NULL,").And.Contain("_loaded_at datetime2(6) NOT NULL"));
    }

    [Test]
    public void Entity_tables_are_clustered_on_account_and_key()
    {
        var sql = StagingTablesScriptProvider.CreateTableSql(TestStreams.Contacts);

        Assert.That(sql, Does.Contain("CONSTRAINT [pk_test_contacts] PRIMARY KEY CLUSTERED (_account_id, [id])"));
        Assert.That(sql, Does.Contain("[id] nvarchar(322) NOT NULL,"), "the one string key gets what the account id leaves of 900 bytes");
        Assert.That(sql, Does.Contain("[stage] nvarchar(max) NULL,").And.Contain("[updated_at] datetime2(6) NULL,").And.Contain("[archived] bit NULL,"));
        Assert.That(sql, Does.Not.Contain("COLUMNSTORE"));
    }

    [Test]
    public void New_fields_become_new_columns()
    {
        var sql = StagingTablesScriptProvider.CreateTableSql(TestStreams.Daily);

        foreach (var field in TestStreams.Daily.Fields)
        {
            Assert.That(sql, Does.Contain($"IF COL_LENGTH(N'staging.[test_ads_daily]', N'{field.Name}') IS NULL ALTER TABLE staging.[test_ads_daily] ADD [{field.Name}] "), field.Name);
        }
    }

    [TestCaseSource(nameof(BuiltIn))]
    public void Clustered_keys_of_built_in_streams_fit_SQL_Server_s_900_bytes(StreamDescriptor stream)
    {
        if (!SqlServerTypes.HasClusteredKey(stream))
        {
            Assert.That(StagingTablesScriptProvider.CreateTableSql(stream), Does.Contain("CLUSTERED COLUMNSTORE"));
            return;
        }

        var bytes = (2 * SqlServerTypes.AccountIdLength) + stream.PrimaryKey.Select(stream.Field).Sum(f => f.Type switch
        {
            FieldType.String => 2 * SqlServerTypes.MaxLength(stream, f)!.Value,
            FieldType.Int64 or FieldType.Double or FieldType.Timestamp => 8,
            FieldType.Decimal => 17,
            FieldType.Date => 3,
            FieldType.Boolean => 1,
            _ => throw new AssertionException($"{f.Name}: {f.Type} as a key"),
        });
        Assert.That(bytes, Is.LessThanOrEqualTo(900), string.Join(", ", stream.PrimaryKey));
        Assert.That(stream.PrimaryKey.Select(stream.Field).Where(f => f.Type == FieldType.String).Select(f => SqlServerTypes.MaxLength(stream, f)),
            Is.All.GreaterThanOrEqualTo(100), "ids and labels of a key still fit");
    }

    [Test]
    public void Values_that_do_not_fit_their_column_are_rejected_with_the_reason()
    {
        var window = new LoadWindow("acc", "run", new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 1));
        int[] keys = [0, 1];
        var longLabel = new string('x', 4001);

        var tooLong = SqlServerStagingLoader.Check(TestStreams.Daily, window, [new DateOnly(2026, 3, 1), longLabel, 1L, 1m, 1L], keys, 0);
        var notANumber = SqlServerStagingLoader.Check(TestStreams.AllTypes, window, [new DateOnly(2026, 3, 1), "a", 1L, 1m, double.NaN, true, null, null], keys, 0);
        var fine = SqlServerStagingLoader.Check(TestStreams.Daily, window, [new DateOnly(2026, 3, 1), new string('x', 4000), 1L, 1m, 1L], keys, 0);

        Assert.That(tooLong, Is.EqualTo("field 'campaign_id' has 4001 characters; its SQL Server column holds 4000"));
        Assert.That(notANumber, Is.EqualTo("field 'rate' is NaN; SQL Server float holds no NaN or infinity"));
        Assert.That(fine, Is.Null);
    }

    [Test]
    public void The_DuckDB_reasons_come_first_and_read_the_same()
    {
        var window = new LoadWindow("acc", "run", new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 2));
        int[] keys = [0, 1];
        string? Check(params object?[] row) => SqlServerStagingLoader.Check(TestStreams.Daily, window, row, keys, 0);

        Assert.Multiple(() =>
        {
            Assert.That(Check(new DateOnly(2026, 3, 1), "c"), Is.EqualTo("row has 2 values, stream has 5 fields"));
            Assert.That(Check(null, "c", 1L, 1m, 1L), Is.EqualTo("required field 'date' is missing"));
            Assert.That(Check(new DateOnly(2026, 3, 1), "c", 1, 1m, 1L), Is.EqualTo("field 'clicks' is Int32, expected Int64"));
            Assert.That(Check(new DateOnly(2026, 3, 5), "c", 1L, 1m, 1L), Is.EqualTo("'date' 2026-03-05 is outside the window 2026-03-01..2026-03-02"));
        });
    }

    [Test]
    public void The_load_lock_names_stream_and_account_within_255_characters()
    {
        Assert.That(SqlServerStagingLoader.LockResource(TestStreams.Daily, "act_1"), Is.EqualTo("pipeline/load/test.ads_daily/act_1"));
        var hashed = SqlServerStagingLoader.LockResource(TestStreams.Daily, new string('a', 300));
        Assert.That(hashed, Has.Length.LessThanOrEqualTo(255).And.StartWith("pipeline/load/test.ads_daily/"));
        Assert.That(hashed, Is.Not.EqualTo(SqlServerStagingLoader.LockResource(TestStreams.Daily, new string('b', 300))));
    }
}
