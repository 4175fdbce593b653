using Microsoft.Data.SqlClient;

namespace Pipeline.Warehouse.SqlServer.Tests.Integration;

/// <summary>The twin of <see cref="SegmentKeyTests"/> on SQL Server: the same rows give the same segments.</summary>
public sealed class SegmentKeyIntegrationTests : SqlServerTestBase
{
    [Test]
    public async Task Case_and_trailing_space_variants_of_a_segment_group_as_on_DuckDB()
    {
        await using (var warehouse = Open(new SqlServerWarehouseOptions { ConnectionString = ConnectionString, Reporting = new ReportingSettings() }))
        {
            await warehouse.MigrateAsync(Etl.Sources.BuiltInStreams);
        }

        await ExecuteAsync(SegmentKeys.InsertSql);

        Assert.That(SegmentKeys.Format(await QueryAsync<(string, int)>(SegmentKeys.SessionsSql("channel"))), Is.EqualTo(SegmentKeys.Channels));
        Assert.That(SegmentKeys.Format(await QueryAsync<(string, int)>(SegmentKeys.SessionsSql("country"))), Is.EqualTo(SegmentKeys.Countries));
        // The database migrate creates is case-sensitive, so campaigns differing only in case stay apart as on DuckDB.
        Assert.That(SegmentKeys.Format(await QueryAsync<(string, int)>(SegmentKeys.SessionsSql("campaign"))), Is.EqualTo(SegmentKeys.Campaigns));
    }

    [Test]
    public async Task The_channel_mapping_refuses_a_label_that_differs_only_in_case_or_spaces()
    {
        await using (var warehouse = Open(new SqlServerWarehouseOptions { ConnectionString = ConnectionString, Reporting = new ReportingSettings() }))
        {
            await warehouse.MigrateAsync(Etl.Sources.BuiltInStreams);
        }

        var duplicate = Assert.ThrowsAsync<SqlException>(() => ExecuteAsync("INSERT INTO dw.channel_mapping (platform, source_value, channel) VALUES (N'hubspot', N' paid_social', N'Other')"));

        Assert.That(duplicate!.Number, Is.EqualTo(2601).Or.EqualTo(2627), "unique index / key violation");
    }
}
