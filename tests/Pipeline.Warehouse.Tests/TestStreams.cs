using Pipeline.Connectors.Streams;

namespace Pipeline.Warehouse.Tests;

/// <summary>
/// Small in-test streams that exercise the three load kinds; one file compiled into the DuckDB and the SQL Server test
/// projects so both engines are tested on the same shapes.
/// </summary>
internal static class TestStreams
{
    public static readonly StreamDescriptor Daily = new(
        "test",
        "ads_daily",
        StreamKind.Report,
        [
            new FieldDef("date", FieldType.Date, Nullable: false),
            new FieldDef("campaign_id", FieldType.String, Nullable: false),
            new FieldDef("clicks", FieldType.Int64),
            new FieldDef("spend", FieldType.Decimal),
            new FieldDef("reach", FieldType.Int64, NonAdditive: true),
        ],
        ["date", "campaign_id"],
        "date",
        defaultLookbackDays: 3);

    public static readonly StreamDescriptor Contacts = new(
        "test",
        "contacts",
        StreamKind.Entity,
        [
            new FieldDef("id", FieldType.String, Nullable: false),
            new FieldDef("stage", FieldType.String),
            new FieldDef("updated_at", FieldType.Timestamp, Nullable: false),
            new FieldDef("archived", FieldType.Boolean),
        ],
        ["id"],
        "updated_at");

    public static readonly StreamDescriptor Targets = new(
        "test",
        "targets",
        StreamKind.Snapshot,
        [
            new FieldDef("kpi", FieldType.String, Nullable: false),
            new FieldDef("target", FieldType.Decimal),
            new FieldDef("version", FieldType.String, Nullable: false),
        ],
        ["kpi"],
        "version");

    /// <summary>Every field type once, for the reader and the load table.</summary>
    public static readonly StreamDescriptor AllTypes = new(
        "test",
        "all_types",
        StreamKind.Report,
        [
            new FieldDef("day", FieldType.Date, Nullable: false),
            new FieldDef("label", FieldType.String),
            new FieldDef("count", FieldType.Int64),
            new FieldDef("amount", FieldType.Decimal),
            new FieldDef("rate", FieldType.Double),
            new FieldDef("flag", FieldType.Boolean),
            new FieldDef("seen_at", FieldType.Timestamp),
            new FieldDef("raw", FieldType.Json),
        ],
        ["day", "label"],
        "day");

    public static IReadOnlyList<StreamDescriptor> All => [Daily, Contacts, Targets];

    public static object?[] Day(DateOnly date, string campaign, long clicks, decimal spend) => [date, campaign, clicks, spend, clicks * 10];

    public static object?[] Contact(string id, string stage, DateTime updatedAt, bool archived = false) => [id, stage, updatedAt, archived];

    public static async IAsyncEnumerable<RecordBatch> Pages(params RecordBatch[] pages)
    {
        foreach (var page in pages)
        {
            await Task.Yield();
            yield return page;
        }
    }

    public static IAsyncEnumerable<RecordBatch> Rows(params object?[][] rows) => Pages(new RecordBatch(rows));
}
