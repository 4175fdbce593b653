using Pipeline.Connectors.Streams;
using static Pipeline.Warehouse.Tests.TestStreams;

namespace Pipeline.Warehouse.SqlServer.Tests;

public sealed class RecordBatchDataReaderTests
{
    private static readonly DateOnly D1 = new(2026, 3, 1);

    [Test]
    public async Task Pulls_the_next_batch_only_when_the_rows_before_it_were_read()
    {
        var pulled = 0;
        async IAsyncEnumerable<RecordBatch> Counted()
        {
            for (var page = 0; page < 3; page++)
            {
                await Task.Yield();
                pulled++;
                yield return new RecordBatch([Day(D1, $"c{page}a", 1, 1m), Day(D1, $"c{page}b", 2, 2m)]);
            }
        }

        await using var reader = new RecordBatchDataReader(Daily, Counted(), _ => null, CancellationToken.None);
        Assert.That(pulled, Is.Zero, "nothing is read before the first row is asked for");

        Assert.That(await reader.ReadAsync(), Is.True);
        Assert.That(pulled, Is.EqualTo(1));
        Assert.That(await reader.ReadAsync(), Is.True);
        Assert.That(pulled, Is.EqualTo(1), "the second row comes from the batch already received");
        Assert.That(await reader.ReadAsync(), Is.True);
        Assert.That(pulled, Is.EqualTo(2));
        Assert.That(reader.GetString(reader.GetOrdinal("campaign_id")), Is.EqualTo("c1a"));

        var rest = 0;
        while (await reader.ReadAsync())
        {
            rest++;
        }

        Assert.That(rest, Is.EqualTo(3));
        Assert.That(pulled, Is.EqualTo(3));
        Assert.That(reader.RowsRead, Is.EqualTo(6));
        Assert.That(reader.Batches, Is.EqualTo(3));
        Assert.That(reader.Rejected, Is.Zero);
    }

    [Test]
    public async Task Columns_are_seq_then_the_fields_then_the_reject_columns_with_load_table_types()
    {
        await using var reader = new RecordBatchDataReader(AllTypes, Pages(), _ => null, CancellationToken.None);

        var names = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        var types = Enumerable.Range(0, reader.FieldCount).Select(reader.GetFieldType).ToList();

        Assert.That(names, Is.EqualTo(new[] { "_seq", "day", "label", "count", "amount", "rate", "flag", "seen_at", "raw", "_reject_reason", "_reject_payload" }));
        Assert.That(types, Is.EqualTo(new[]
        {
            typeof(long), typeof(DateTime), typeof(string), typeof(long), typeof(decimal), typeof(double), typeof(bool), typeof(DateTime), typeof(string),
            typeof(string), typeof(string),
        }));
    }

    [Test]
    public async Task Values_are_typed_for_SqlBulkCopy_and_nulls_are_DBNull()
    {
        var seen = new DateTime(2026, 3, 1, 10, 30, 15, DateTimeKind.Utc).AddTicks(1234567);
        object?[] full = [D1, "Summer sale", 42L, 1.23456789049m, 0.25, true, seen, "[{\"a\":1}]"];
        object?[] empty = [D1.AddDays(1), null, null, null, null, null, null, null];
        await using var reader = new RecordBatchDataReader(AllTypes, Rows(full, empty), _ => null, CancellationToken.None);

        Assert.That(await reader.ReadAsync(), Is.True);
        Assert.Multiple(() =>
        {
            Assert.That(reader.GetInt64(0), Is.Zero, "_seq counts from 0 in arrival order");
            Assert.That(reader.GetValue(1), Is.EqualTo(new DateTime(2026, 3, 1)), "a DateOnly goes to the date column as a DateTime");
            Assert.That(reader.GetString(2), Is.EqualTo("Summer sale"));
            Assert.That(reader.GetInt64(3), Is.EqualTo(42L));
            Assert.That(reader.GetDecimal(4), Is.EqualTo(1.234567890m), "decimal(38, 9): rounded to 9 places like DuckDB");
            Assert.That(reader.GetDouble(5), Is.EqualTo(0.25));
            Assert.That(reader.GetBoolean(6), Is.True);
            Assert.That(reader.GetDateTime(7), Is.EqualTo(seen));
            Assert.That(reader.GetString(8), Is.EqualTo("[{\"a\":1}]"));
            Assert.That(reader.IsDBNull(9), Is.True, "no reject reason on a loaded row");
            Assert.That(reader.IsDBNull(10), Is.True);
        });

        Assert.That(await reader.ReadAsync(), Is.True);
        Assert.That(reader.GetInt64(0), Is.EqualTo(1L));
        Assert.That(Enumerable.Range(2, 7).Select(reader.IsDBNull), Is.All.True, "missing values are DBNull");
        Assert.That(reader.GetValue(3), Is.SameAs(DBNull.Value));
        Assert.That(await reader.ReadAsync(), Is.False);
    }

    [Test]
    public async Task Connector_rejects_and_refused_rows_travel_as_reject_rows_with_reason_and_payload()
    {
        var batch = new RecordBatch(
            [Day(D1, "ok", 1, 1m), Day(D1, "bad", 2, 2m)],
            [new RejectedRecord("connector could not parse", "{\"raw\":true}")]);
        await using var reader = new RecordBatchDataReader(
            Daily, Pages(batch), row => (string)row[1]! == "bad" ? "refused by the check" : null, CancellationToken.None);

        var rows = new List<(long Seq, string? Campaign, string? Reason, string? Payload)>();
        while (await reader.ReadAsync())
        {
            rows.Add((
                reader.GetInt64(0),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(reader.GetOrdinal("_reject_reason")) ? null : reader.GetString(reader.GetOrdinal("_reject_reason")),
                reader.IsDBNull(reader.GetOrdinal("_reject_payload")) ? null : reader.GetString(reader.GetOrdinal("_reject_payload"))));
        }

        Assert.That(rows, Has.Count.EqualTo(3));
        Assert.That(rows[0], Is.EqualTo((0L, (string?)null, "connector could not parse", "{\"raw\":true}")), "connector rejects of a batch come first");
        Assert.That(rows[1], Is.EqualTo((1L, "ok", (string?)null, (string?)null)));
        Assert.That(rows[2].Campaign, Is.Null, "a refused row carries no field values");
        Assert.That(rows[2].Reason, Is.EqualTo("refused by the check"));
        Assert.That(rows[2].Payload, Does.Contain("\"campaign_id\":\"bad\"").And.Contain("\"date\":\"2026-03-01\""));
        Assert.That(reader.RowsRead, Is.EqualTo(3));
        Assert.That(reader.Rejected, Is.EqualTo(2));
    }

    [Test]
    public async Task A_source_that_yields_nothing_reads_no_row_and_no_batch()
    {
        await using var reader = new RecordBatchDataReader(Targets, Pages(), _ => null, CancellationToken.None);

        Assert.That(await reader.ReadAsync(), Is.False);
        Assert.That(reader.Batches, Is.Zero);
        Assert.That(reader.RowsRead, Is.Zero);
    }

    [Test]
    public async Task A_failing_source_is_kept_so_the_loader_can_report_it_unwrapped()
    {
        async IAsyncEnumerable<RecordBatch> FailsOnSecondPage()
        {
            await Task.Yield();
            yield return new RecordBatch([Day(D1, "c", 1, 1m)]);
            throw new HttpRequestException("API went away");
        }

        await using var reader = new RecordBatchDataReader(Daily, FailsOnSecondPage(), _ => null, CancellationToken.None);
        Assert.That(await reader.ReadAsync(), Is.True);

        var thrown = Assert.ThrowsAsync<HttpRequestException>(() => reader.ReadAsync());
        Assert.That(reader.SourceException, Is.SameAs(thrown));
    }

    [Test]
    public async Task Disposing_the_reader_disposes_the_source_enumeration()
    {
        var disposed = false;
        async IAsyncEnumerable<RecordBatch> Endless()
        {
            try
            {
                while (true)
                {
                    await Task.Yield();
                    yield return new RecordBatch([Day(D1, "c", 1, 1m)]);
                }
            }
            finally
            {
                disposed = true;
            }
        }

        var reader = new RecordBatchDataReader(Daily, Endless(), _ => null, CancellationToken.None);
        Assert.That(await reader.ReadAsync(), Is.True);
        await reader.DisposeAsync();

        Assert.That(disposed, Is.True, "an aborted bulk copy stops the connector's read");
        Assert.That(reader.IsClosed, Is.True);
    }
}
