using System.Security.Cryptography;
using System.Text;
using Pipeline.Connectors.Streams;

namespace Pipeline.Connectors.HubSpot;

/// <summary>
/// The HubSpot streams; each lands in <c>staging.hubspot_{name}</c>. CRM property columns keep HubSpot's internal
/// property names (<c>createdate</c>, <c>hs_analytics_source</c>, …); record metadata columns are <c>created_at</c>,
/// <c>updated_at</c>, <c>archived</c>, <c>archived_at</c>. Configured extra properties are appended as text columns.
/// </summary>
public static class HubSpotStreams
{
    public const string Source = "hubspot";

    /// <summary>Default stream names, in the order a sync reads them.</summary>
    public static IReadOnlyList<string> DefaultStreamNames { get; } = ["contacts", "companies", "deals", "deal_associations", "deal_pipelines"];

    internal static readonly IReadOnlyList<string> MetadataColumns = ["id", "created_at", "updated_at", "archived", "archived_at"];

    /// <summary>Contact property columns (the address itself is requested but only its hash leaves the connector).</summary>
    internal static readonly IReadOnlyList<FieldDef> ContactFields =
    [
        new("email_sha256", FieldType.String),
        new("createdate", FieldType.Timestamp),
        new("lifecyclestage", FieldType.String),
        new("hs_lifecyclestage_lead_date", FieldType.Timestamp),
        new("hs_lifecyclestage_marketingqualifiedlead_date", FieldType.Timestamp),
        new("hs_lifecyclestage_salesqualifiedlead_date", FieldType.Timestamp),
        new("hs_lifecyclestage_opportunity_date", FieldType.Timestamp),
        new("hs_lifecyclestage_customer_date", FieldType.Timestamp),
        new("hs_analytics_source", FieldType.String),
        new("hs_analytics_source_data_1", FieldType.String),
        new("hs_analytics_source_data_2", FieldType.String),
        // First page seen: its utm_campaign names the campaign where the drill-downs hold an id (dw.fact_lead).
        new("hs_analytics_first_url", FieldType.String),
        // Primary company: which customer (dw.dim_customer, company first) a lead belongs to.
        new("associatedcompanyid", FieldType.String),
        new("lastmodifieddate", FieldType.Timestamp),
    ];

    internal static readonly IReadOnlyList<FieldDef> CompanyFields =
    [
        new("name", FieldType.String),
        new("domain", FieldType.String),
        new("createdate", FieldType.Timestamp),
        new("lifecyclestage", FieldType.String),
        new("hs_lastmodifieddate", FieldType.Timestamp),
        // The company's original source (HubSpot copies it from the earliest contact): the first-touch channel.
        new("hs_analytics_source", FieldType.String),
        new("hs_analytics_source_data_1", FieldType.String),
        new("hs_analytics_source_data_2", FieldType.String),
    ];

    internal static readonly IReadOnlyList<FieldDef> DealFields =
    [
        new("dealname", FieldType.String),
        new("amount", FieldType.Decimal),
        new("deal_currency_code", FieldType.String),
        new("pipeline", FieldType.String),
        new("dealstage", FieldType.String),
        new("createdate", FieldType.Timestamp),
        new("closedate", FieldType.Timestamp),
        new("hs_is_closed", FieldType.Boolean),
        new("hs_is_closed_won", FieldType.Boolean),
        new("hs_analytics_source", FieldType.String),
        new("hs_lastmodifieddate", FieldType.Timestamp),
        // {"<stage id>": "<ISO time>"} from hs_date_entered_<stage id> for every stage of every deal pipeline.
        new("stage_entered_at", FieldType.Json),
    ];

    /// <summary>Column names that extra properties may not reuse (email is requested for hashing).</summary>
    internal static readonly IReadOnlyCollection<string> ContactColumns = [.. ContactFields.Select(f => f.Name), "email"];
    internal static readonly IReadOnlyCollection<string> CompanyColumns = [.. CompanyFields.Select(f => f.Name)];
    internal static readonly IReadOnlyCollection<string> DealColumns = [.. DealFields.Select(f => f.Name)];

    /// <summary>
    /// One row per deal and associated object type (<c>contacts</c>, <c>companies</c>) holding the whole current set
    /// of associated ids as a JSON array: an upsert then replaces the set, so a removed association disappears too
    /// (a row per association could never be deleted by an upsert).
    /// </summary>
    public static StreamDescriptor DealAssociations { get; } = new(
        Source,
        "deal_associations",
        StreamKind.Entity,
        [
            new("deal_id", FieldType.String, Nullable: false),
            new("to_object_type", FieldType.String, Nullable: false),
            new("to_object_ids", FieldType.Json, Nullable: false),
            new("association_count", FieldType.Int64, Nullable: false),
            // The deal's updatedAt when its associations were read: the cursor of the next run.
            new("deal_updated_at", FieldType.Timestamp),
        ],
        ["deal_id", "to_object_type"],
        "deal_updated_at");

    /// <summary>Deal pipelines and their stages (every run reads them all: a handful of rows).</summary>
    public static StreamDescriptor DealPipelines { get; } = new(
        Source,
        "deal_pipelines",
        StreamKind.Entity,
        [
            new("pipeline_id", FieldType.String, Nullable: false),
            new("pipeline_label", FieldType.String),
            new("pipeline_display_order", FieldType.Int64),
            new("stage_id", FieldType.String, Nullable: false),
            new("stage_label", FieldType.String),
            new("stage_display_order", FieldType.Int64),
            new("is_closed", FieldType.Boolean),
            new("probability", FieldType.Double, NonAdditive: true),
            new("archived", FieldType.Boolean),
            new("updated_at", FieldType.Timestamp),
        ],
        ["pipeline_id", "stage_id"],
        "updated_at");

    /// <summary>The streams with the default property lists.</summary>
    public static HubSpotStreamSet Default { get; } = For(new HubSpotOptions());

    /// <summary>The streams for a configuration: extra properties become text columns of their object's stream.</summary>
    public static HubSpotStreamSet For(HubSpotOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new HubSpotStreamSet(
            ObjectStream("contacts", ContactFields, options.ContactProperties),
            ObjectStream("companies", CompanyFields, options.CompanyProperties),
            ObjectStream("deals", DealFields, options.DealProperties),
            DealAssociations,
            DealPipelines);
    }

    private static StreamDescriptor ObjectStream(string name, IReadOnlyList<FieldDef> properties, IEnumerable<string> extra) => new(
        Source,
        name,
        StreamKind.Entity,
        [
            new("id", FieldType.String, Nullable: false),
            .. properties,
            .. extra.Select(p => new FieldDef(p, FieldType.String)),
            new("created_at", FieldType.Timestamp),
            new("updated_at", FieldType.Timestamp),
            new("archived", FieldType.Boolean, Nullable: false),
            new("archived_at", FieldType.Timestamp),
        ],
        ["id"],
        "updated_at");
}

/// <summary>The five HubSpot streams of one configuration.</summary>
public sealed record HubSpotStreamSet(
    StreamDescriptor Contacts, StreamDescriptor Companies, StreamDescriptor Deals, StreamDescriptor DealAssociations, StreamDescriptor DealPipelines)
{
    public IReadOnlyList<StreamDescriptor> All => [Contacts, Companies, Deals, DealAssociations, DealPipelines];
}

/// <summary>How an email address is stored: SHA-256 (lower-case hex) of the trimmed, lower-cased address.</summary>
public static class HubSpotEmailHash
{
    public static string Sha256(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(email.Trim().ToLowerInvariant())));
    }
}
