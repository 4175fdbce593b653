using Pipeline.Connectors.Streams;

namespace Pipeline.Connectors.Sdk.Tests;

public sealed class StreamCursorTests
{
    private static StreamDescriptor Stream(FieldType cursorType, StreamKind kind = StreamKind.Entity) => new(
        "test",
        "s_" + cursorType.ToString().ToLowerInvariant(),
        kind,
        [new FieldDef("id", FieldType.String, Nullable: false), new FieldDef("c", cursorType, Nullable: false)],
        ["id"],
        "c");

    private static readonly StreamDescriptor Report = new(
        "test", "daily", StreamKind.Report, [new FieldDef("date", FieldType.Date, Nullable: false)], ["date"], "date");

    // Strings exactly as both loaders stored them before StreamCursor existed: an existing warehouse resumes from these.
    [TestCase(FieldType.Date, "2026-03-01")]
    [TestCase(FieldType.Timestamp, "2026-03-01T09:00:00.000000Z")]
    [TestCase(FieldType.Timestamp, "2026-03-01T09:00:00.123456Z")]
    [TestCase(FieldType.Int64, "1234567890123")]
    [TestCase(FieldType.Int64, "-5")]
    [TestCase(FieldType.Decimal, "1.500000000")]
    [TestCase(FieldType.Double, "0.25")]
    [TestCase(FieldType.Double, "1E-05")]
    [TestCase(FieldType.String, "0000000002:9f86d081884c7d65")]
    public void Todays_stored_cursors_parse_and_format_back_byte_identical(FieldType type, string stored)
    {
        var stream = Stream(type);
        var parsed = StreamCursor.Parse(stream, stored)!;

        Assert.That(parsed.Text, Is.EqualTo(stored));
        Assert.That(StreamCursor.FromValue(stream, parsed.Value).Text, Is.EqualTo(stored), "the value formats back to the same text");
    }

    [Test]
    public void Engine_values_format_in_the_canonical_form()
    {
        var utc = new DateTime(2026, 3, 1, 9, 0, 0, DateTimeKind.Unspecified).AddTicks(1_234_560);

        Assert.That(StreamCursor.FromValue(Stream(FieldType.Timestamp), utc).Text, Is.EqualTo("2026-03-01T09:00:00.123456Z"));
        Assert.That(StreamCursor.FromValue(Stream(FieldType.Date), new DateTime(2026, 3, 1)).Text, Is.EqualTo("2026-03-01"), "SQL Server returns a date as DateTime");
        Assert.That(StreamCursor.FromValue(Stream(FieldType.Int64), 42).Text, Is.EqualTo("42"));
        Assert.That(StreamCursor.FromValue(Stream(FieldType.Double), 1e20).Text, Is.EqualTo("1E+20"));
    }

    [Test]
    public void A_timestamp_cursor_reads_as_a_utc_instant()
    {
        var cursor = StreamCursor.Parse(Stream(FieldType.Timestamp), "2026-03-01T09:00:00.500000Z")!;

        Assert.That(cursor.AsTimestamp(), Is.EqualTo(new DateTimeOffset(2026, 3, 1, 9, 0, 0, 500, TimeSpan.Zero)));
        Assert.That(cursor.AsTimestamp().Offset, Is.EqualTo(TimeSpan.Zero));
        Assert.That(StreamCursor.Parse(Stream(FieldType.Timestamp), "2026-03-01T10:00:00+01:00")!.AsTimestamp(),
            Is.EqualTo(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero)), "a hand-set ISO cursor with an offset is read as the same instant");
    }

    [Test]
    public void No_stored_cursor_is_null()
    {
        Assert.That(StreamCursor.Parse(Report, null), Is.Null);
        Assert.That(StreamCursor.Parse(Report, ""), Is.Null);
    }

    [TestCase(FieldType.Date, "2026-3-1", "yyyy-MM-dd")]
    [TestCase(FieldType.Date, "yesterday", "yyyy-MM-dd")]
    [TestCase(FieldType.Timestamp, "2026-03-01", "timestamp")]
    [TestCase(FieldType.Int64, "1,000", "whole number")]
    [TestCase(FieldType.Decimal, "1,5", "number")]
    public void A_bad_stored_cursor_is_a_one_line_error_naming_the_stream_and_the_value(FieldType type, string stored, string expected)
    {
        var stream = Stream(type);

        var error = Assert.Throws<FormatException>(() => StreamCursor.Parse(stream, stored));

        Assert.That(error!.Message, Does.StartWith($"test.{stream.Name}: stored cursor '{stored}' is not a").And.Contain(expected));
        Assert.That(error.Message, Does.Not.Contain('\n'));
    }

    [Test]
    public void Numbers_compare_as_numbers_not_as_text()
    {
        var ints = Stream(FieldType.Int64);
        var doubles = Stream(FieldType.Double);

        Assert.That(StreamCursor.Parse(ints, "10")!.CompareTo(StreamCursor.Parse(ints, "9")), Is.Positive);
        Assert.That(StreamCursor.Parse(doubles, "1E-05")!.CompareTo(StreamCursor.Parse(doubles, "0.5")), Is.Negative);
        Assert.That(StreamCursor.Parse(Stream(FieldType.Decimal), "2.50")!.CompareTo(StreamCursor.Parse(Stream(FieldType.Decimal), "2.5")), Is.Zero);
    }

    [Test]
    public void Report_cursors_move_to_the_window_end_and_never_back()
    {
        var at = StreamCursor.Parse(Report, "2026-03-13");

        Assert.That(StreamCursor.Advance(Report, null, new DateOnly(2026, 3, 3), null)!.Text, Is.EqualTo("2026-03-03"));
        Assert.That(StreamCursor.Advance(Report, at, new DateOnly(2026, 3, 20), null)!.Text, Is.EqualTo("2026-03-20"));
        Assert.That(StreamCursor.Advance(Report, at, new DateOnly(2026, 3, 3), null)!.Text, Is.EqualTo("2026-03-13"), "a backfill keeps the later cursor");
        Assert.That(() => StreamCursor.Advance(Report, at, null, null), Throws.ArgumentException);
    }

    [Test]
    public void Entity_cursors_take_the_max_seen_never_back_and_stay_when_the_load_is_empty()
    {
        var stream = Stream(FieldType.Timestamp);
        var stored = StreamCursor.Parse(stream, "2026-03-01T09:00:00.000000Z");
        var later = new DateTime(2026, 3, 1, 13, 0, 0, DateTimeKind.Utc);
        var earlier = new DateTime(2026, 3, 1, 8, 0, 0, DateTimeKind.Utc);

        Assert.That(StreamCursor.Advance(stream, stored, null, later)!.Text, Is.EqualTo("2026-03-01T13:00:00.000000Z"));
        Assert.That(StreamCursor.Advance(stream, stored, null, earlier), Is.SameAs(stored));
        Assert.That(StreamCursor.Advance(stream, stored, null, null), Is.SameAs(stored));
        Assert.That(StreamCursor.Advance(stream, stored, null, DBNull.Value), Is.SameAs(stored));
        Assert.That(StreamCursor.Advance(stream, null, null, null), Is.Null);
    }

    [Test]
    public void Snapshot_cursors_are_the_loads_own_max_or_none()
    {
        var stream = Stream(FieldType.String, StreamKind.Snapshot);
        var stored = StreamCursor.Parse(stream, "v9");

        Assert.That(StreamCursor.Advance(stream, stored, null, "v2")!.Text, Is.EqualTo("v2"), "the load replaced everything, even with a lower version");
        Assert.That(StreamCursor.Advance(stream, stored, null, null), Is.Null, "an empty snapshot forgets the cursor");
    }
}
