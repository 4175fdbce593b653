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
    public async Task The_channel_mapping_refuses_a_label_that_is_not_lower_case_and_trimmed(string label)
    {
        await using var connection = await MigratedAsync();

        Assert.That(() => connection.ExecuteAsync($"INSERT INTO dw.channel_mapping VALUES ('hubspot', '{label}', 'Other')"),
            Throws.InstanceOf<DuckDBException>().With.Message.Contains("CHECK"));
        Assert.That(await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM dw.channel_mapping WHERE lower(source_value) = 'paid_social'"), Is.EqualTo(1));
    }

    [Test]
    public async Task Migrating_normalises_the_seeded_channel_mapping_and_joins_still_find_upper_case_sources()
    {
        await using var connection = await MigratedAsync();

        var labels = (await connection.QueryAsync<string>("SELECT source_value FROM dw.channel_mapping WHERE platform = 'hubspot' ORDER BY 1")).ToList();

        Assert.That(labels, Does.Contain("paid_social").And.Not.Contain("PAID_SOCIAL"));
        Assert.That(labels, Is.Unique);
    }

    private async Task<DuckDBConnection> MigratedAsync()
    {
        var path = Path.Combine(folder, "warehouse.duckdb");
        await using (var warehouse = DuckDbWarehouse.Open(new DuckDbWarehouseOptions { Path = path, Reporting = new ReportingSettings() }))
        {
            await warehouse.MigrateAsync(Etl.Sources.BuiltInStreams);
        }

        var connection = new DuckDBConnection($"Data Source={path}");
        await connection.OpenAsync();
        return connection;
    }
}
