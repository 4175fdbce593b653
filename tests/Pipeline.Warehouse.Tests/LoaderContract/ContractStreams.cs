using Pipeline.Connectors.Streams;

namespace Pipeline.Warehouse.Tests.LoaderContract;

/// <summary>
/// The streams of the loader contract: one per stream kind, plus an entity stream with a numeric cursor (typed order).
/// Engine-neutral (compiled into each engine's test project), so they use only the stream contract.
/// </summary>
internal static class ContractStreams
{
    public static readonly StreamDescriptor Daily = new(
        "lc",
        "ads_daily",
        StreamKind.Report,
        [
            new FieldDef("date", FieldType.Date, Nullable: false),
            new FieldDef("campaign_id", FieldType.String, Nullable: false),
            new FieldDef("clicks", FieldType.Int64),
            new FieldDef("spend", FieldType.Decimal),
            new FieldDef("ctr", FieldType.Double),
        ],
        ["date", "campaign_id"],
        "date",
        defaultLookbackDays: 3);

    public static readonly StreamDescriptor Contacts = new(
        "lc",
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

    public static readonly StreamDescriptor Events = new(
        "lc",
        "events",
        StreamKind.Entity,
        [new FieldDef("id", FieldType.String, Nullable: false), new FieldDef("seq", FieldType.Int64, Nullable: false)],
        ["id"],
        "seq");

    public static readonly StreamDescriptor Targets = new(
        "lc",
        "targets",
        StreamKind.Snapshot,
        [
            new FieldDef("kpi", FieldType.String, Nullable: false),
            new FieldDef("target", FieldType.Decimal),
            new FieldDef("version", FieldType.String, Nullable: false),
        ],
        ["kpi"],
        "version");

    public static IReadOnlyList<StreamDescriptor> All => [Daily, Contacts, Events, Targets];

    public static object?[] Day(DateOnly date, string campaign, long clicks, decimal spend) => [date, campaign, clicks, spend, 0.5];

    public static object?[] Contact(string id, string stage, DateTime updatedAt, bool archived = false) => TestStreams.Contact(id, stage, updatedAt, archived);

    public static object?[] Target(string kpi, decimal target, string version) => [kpi, target, version];

    public static IAsyncEnumerable<RecordBatch> Pages(params RecordBatch[] pages) => TestStreams.Pages(pages);

    public static IAsyncEnumerable<RecordBatch> Rows(params object?[][] rows) => TestStreams.Rows(rows);
}
