using System.Runtime.CompilerServices;
using Pipeline.Connectors.Streams;

namespace Pipeline.Etl.Tests;

/// <summary>
/// An in-memory source: a report stream whose value per day can be changed (restatement) and an entity stream,
/// recording every request it receives.
/// </summary>
internal sealed class FakeSource : ISourceConnection
{
    public static readonly StreamDescriptor Daily = new(
        "fake", "daily", StreamKind.Report,
        [new FieldDef("date", FieldType.Date, false), new FieldDef("value", FieldType.Int64)],
        ["date"], "date", defaultLookbackDays: 2);

    public static readonly StreamDescriptor Items = new(
        "fake", "items", StreamKind.Entity,
        [new FieldDef("id", FieldType.String, false), new FieldDef("updated_at", FieldType.Timestamp, false)],
        ["id"], "updated_at");

    public FakeSource(TimeZoneInfo? zone = null)
    {
        TimeZone = zone ?? TimeZoneInfo.Utc;
        Streams = [new DailyReader(this), new ItemReader(this)];
    }

    public string Source => "fake";

    public string AccountId => "acc-1";

    public TimeZoneInfo TimeZone { get; }

    public IReadOnlyList<IStreamReader> Streams { get; }

    public long ApiCalls { get; private set; }

    public Func<DateOnly, long> ValueOf { get; set; } = d => d.Day;

    public List<(DateOnly From, DateOnly To)> DailyRequests { get; } = [];

    public List<string?> ItemCursors { get; } = [];

    public Exception? FailDailyOn { get; set; }

    public List<(string Id, DateTime UpdatedAt)> Items_ { get; } = [];

    public StreamSyncSettings DailySettings { get; set; } = new(2, FirstRunDays: 10, ChunkDays: 4);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private sealed class DailyReader(FakeSource source) : IStreamReader
    {
        public StreamDescriptor Stream => Daily;

        public StreamSyncSettings Settings => source.DailySettings;

        public async IAsyncEnumerable<RecordBatch> ReadAsync(StreamReadRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            var (from, to) = (request.From!.Value, request.To!.Value);
            source.DailyRequests.Add((from, to));
            for (var d = from; d <= to; d = d.AddDays(1))
            {
                await Task.Yield();
                cancellationToken.ThrowIfCancellationRequested();
                source.ApiCalls++;
                if (source.FailDailyOn is { } ex && d == to)
                {
                    throw ex;
                }

                yield return new RecordBatch([[d, source.ValueOf(d)]]);
            }
        }
    }

    private sealed class ItemReader(FakeSource source) : IStreamReader
    {
        public StreamDescriptor Stream => Items;

        public StreamSyncSettings Settings => StreamSyncSettings.For(Items);

        public async IAsyncEnumerable<RecordBatch> ReadAsync(StreamReadRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            source.ItemCursors.Add(request.Cursor);
            source.ApiCalls++;
            var since = request.Cursor is null ? DateTime.MinValue : DateTime.Parse(request.Cursor, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal);
            yield return new RecordBatch([.. source.Items_.Where(i => i.UpdatedAt >= since).Select(i => new object?[] { i.Id, i.UpdatedAt })]);
        }
    }
}
