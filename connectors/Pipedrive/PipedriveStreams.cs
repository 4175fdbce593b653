using Pipeline.Connectors.Streams;

namespace Pipeline.Connectors.Pipedrive;

/// <summary>Deals and persons of <c>GET /api/v2/{deals|persons}</c>, read incrementally by <c>update_time</c>.</summary>
public static class PipedriveStreams
{
    public const string Source = "pipedrive";

    public static StreamDescriptor Deals { get; } = new(Source, "deals", StreamKind.Entity,
    [
        new("id", FieldType.Int64, Nullable: false), new("title", FieldType.String), new("owner_id", FieldType.Int64),
        new("person_id", FieldType.Int64), new("org_id", FieldType.Int64), new("pipeline_id", FieldType.Int64), new("stage_id", FieldType.Int64),
        new("value", FieldType.Decimal, Description: "deal value in the deal's currency"), new("currency", FieldType.String),
        new("status", FieldType.String, Description: "open, won, lost or deleted"), new("add_time", FieldType.Timestamp),
        new("update_time", FieldType.Timestamp, Nullable: false), new("won_time", FieldType.Timestamp), new("close_time", FieldType.Timestamp),
        new("expected_close_date", FieldType.Date), new("is_deleted", FieldType.Boolean),
    ], ["id"], "update_time");

    /// <summary>Persons; the primary e-mail is kept only as its SHA-256 (addresses never enter the warehouse).</summary>
    public static StreamDescriptor Persons { get; } = new(Source, "persons", StreamKind.Entity,
    [
        new("id", FieldType.Int64, Nullable: false), new("name", FieldType.String), new("owner_id", FieldType.Int64), new("org_id", FieldType.Int64),
        new("primary_email_sha256", FieldType.String), new("add_time", FieldType.Timestamp),
        new("update_time", FieldType.Timestamp, Nullable: false), new("is_deleted", FieldType.Boolean),
    ], ["id"], "update_time");

    public static IReadOnlyList<StreamDescriptor> All { get; } = [Deals, Persons];
}
