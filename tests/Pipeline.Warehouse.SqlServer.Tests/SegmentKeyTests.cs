using Dapper;
using DuckDB.NET.Data;
using Pipeline.Warehouse.DuckDb;

namespace Pipeline.Warehouse.SqlServer.Tests;

/// <summary>
/// Segment labels that differ only in case or trailing spaces are grouped on DuckDB as warehouse/SEMANTICS.md
/// ("Segment keys") says, which is what SQL Server's collation gives too (its integration twin runs the same rows).
/// </summary>
public sealed class SegmentKeyTests
{
    private string folder = "";

    [SetUp]
    public void CreateFolder() => folder = Directory.CreateTempSubdirectory("pipeline-segment-keys-").FullName;

    [TearDown]
    public void DeleteFolder()
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still mapped by DuckDB; the temp folder is cleaned by the OS.
        }
    }

    [Test]
    public async Task Case_and_trailing_space_variants_of_a_segment_group_as_SEMANTICS_says()
    {
        await using var connection = await MigratedAsync();
        await connection.ExecuteAsync(SegmentKeys.InsertSql);

        Assert.That(SegmentKeys.Format(await connection.QueryAsync<(string, int)>(SegmentKeys.SessionsSql("channel"))), Is.EqualTo(SegmentKeys.Channels));
        Assert.That(SegmentKeys.Format(await connection.QueryAsync<(string, int)>(SegmentKeys.SessionsSql("country"))), Is.EqualTo(SegmentKeys.Countries));
        Assert.That(SegmentKeys.Format(await connection.QueryAsync<(string, int)>(SegmentKeys.SessionsSql("campaign"))), Is.EqualTo(SegmentKeys.Campaigns));
    }

    [TestCase("PAID_SOCIAL")]
    [TestCase(" paid_social")]
    public async Task A_label_added_in_another_case_or_with_spaces_is_normalised_by_the_next_migrate_and_matches_once(string label)
    {
        var path = await MigratedPathAsync();
        await using (var connection = await OpenAsync(path))
        {
            await connection.ExecuteAsync($"INSERT INTO dw.channel_mapping VALUES ('hubspot', '{label}', 'Paid Social')");
        }

        await MigrateAsync(path);

        await using var migrated = await OpenAsync(path);
        var rows = (await migrated.QueryAsync<string>("SELECT source_value FROM dw.channel_mapping WHERE lower(trim(source_value)) = 'paid_social'")).ToList();
        Assert.That(rows, Is.EqualTo(new[] { "paid_social" }), "one normalised row, so a join matches a contact once");
    }

    [Test]
    public async Task A_label_mapped_to_two_channels_when_case_is_ignored_stops_the_migrate_naming_it()
    {
        var path = await MigratedPathAsync();
        await using (var connection = await OpenAsync(path))
        {
            await connection.ExecuteAsync("INSERT INTO dw.channel_mapping VALUES ('hubspot', 'PAID_SOCIAL', 'Other')");
        }

        Assert.That(async () => await MigrateAsync(path), Throws.InstanceOf<MigrationFailedException>().With.Message.Contains("hubspot / paid_social"));
    }

    [Test]
    public async Task No_table_has_a_check_constraint_because_duckdb_cannot_replay_one_that_calls_a_function_after_a_crash()
    {
        await using var connection = await OpenAsync(await MigratedPathAsync());

        var checks = await connection.QueryAsync<string>(
            "SELECT schema_name || '.' || table_name || ': ' || constraint_text FROM duckdb_constraints() WHERE constraint_type = 'CHECK' AND schema_name IN ('etl', 'staging', 'dw', 'mart')");

        Assert.That(checks, Is.Empty);
    }

    [Test]
    public async Task Migrating_normalises_the_seeded_channel_mapping_and_joins_still_find_upper_case_sources()
    {
        await using var connection = await MigratedAsync();

        var labels = (await connection.QueryAsync<string>("SELECT source_value FROM dw.channel_mapping WHERE platform = 'hubspot' ORDER BY 1")).ToList();

        Assert.That(labels, Does.Contain("paid_social").And.Not.Contain("PAID_SOCIAL"));
        Assert.That(labels, Is.Unique);
    }

    private async Task<DuckDBConnection> MigratedAsync() => await OpenAsync(await MigratedPathAsync());

    private async Task<string> MigratedPathAsync()
    {
        var path = Path.Combine(folder, "warehouse.duckdb");
        await MigrateAsync(path);
        return path;
    }

    private static async Task MigrateAsync(string path)
    {
        await using var warehouse = DuckDbWarehouse.Open(new DuckDbWarehouseOptions { Path = path, Reporting = new ReportingSettings() });
        await warehouse.MigrateAsync(Etl.Sources.BuiltInStreams);
    }

    private static async Task<DuckDBConnection> OpenAsync(string path)
    {
        var connection = new DuckDBConnection($"Data Source={path}");
        await connection.OpenAsync();
        return connection;
    }
}
