using Pipeline.Connectors.Streams;

namespace Pipeline.Connectors.Files;

/// <summary>
/// The file streams; each reads one file of the folder and lands in <c>staging.files_{name}</c>. Every row carries the
/// file it came from (<c>source_file</c>, <c>file_sha256</c>, <c>line_number</c>) and <c>file_version</c>, the cursor:
/// <c>{generation:D10}:{sha256}</c>, a counter that grows with every changed version of the file plus its hash.
/// </summary>
public static class FilesStreams
{
    public const string Source = "files";

    /// <summary>
    /// How a load replaces rows. Entity (upsert by key) is what the loader offers today: a changed file replaces the rows
    /// whose keys it still has and adds new ones, but a line removed from the file stays in staging with its old
    /// <c>file_version</c>. With a loader that supports "a load replaces the account's whole stream" this becomes that
    /// kind and removed lines disappear (the reader already yields nothing for an unchanged file and at least one batch
    /// for a changed one).
    /// </summary>
    public const StreamKind Kind = StreamKind.Snapshot;

    /// <summary>Columns every file stream ends with, in this order.</summary>
    public static IReadOnlyList<FieldDef> FileFields { get; } =
    [
        new("source_file", FieldType.String, Nullable: false),
        new("file_sha256", FieldType.String, Nullable: false),
        new("line_number", FieldType.Int64, Nullable: false),
        new("file_version", FieldType.String, Nullable: false),
    ];

    /// <summary><c>marketing_costs.csv</c>: spend outside the ad platforms, per day, channel and (optional) campaign.</summary>
    public static StreamDescriptor MarketingCosts { get; } = new(
        Source,
        "marketing_costs",
        Kind,
        [
            new("date", FieldType.Date, Nullable: false),
            new("channel", FieldType.String, Nullable: false),
            // '' when the file leaves it empty, so it can be part of the key.
            new("campaign", FieldType.String, Nullable: false),
            new("cost", FieldType.Decimal, Nullable: false),
            new("currency", FieldType.String, Nullable: false),
            new("note", FieldType.String),
            .. FileFields,
        ],
        ["date", "channel", "campaign"],
        "file_version");

    /// <summary>
    /// <c>nps_responses.csv</c>: one row per response. The e-mail is kept only as the SHA-256 of its trimmed, lower-cased
    /// form. <c>response_key</c> = SHA-256 of the row's content + ":" + its occurrence among identical rows of the file,
    /// so it does not depend on the line a response is on.
    /// </summary>
    public static StreamDescriptor NpsResponses { get; } = new(
        Source,
        "nps_responses",
        Kind,
        [
            new("response_key", FieldType.String, Nullable: false),
            new("date", FieldType.Date, Nullable: false),
            new("score", FieldType.Int64, Nullable: false),
            new("email_sha256", FieldType.String),
            new("channel", FieldType.String),
            .. FileFields,
        ],
        ["response_key"],
        "file_version");

    /// <summary><c>kpi_targets.csv</c>: a target per KPI, period and (optional) segment.</summary>
    public static StreamDescriptor KpiTargets { get; } = new(
        Source,
        "kpi_targets",
        Kind,
        [
            new("kpi", FieldType.String, Nullable: false),
            new("period_start", FieldType.Date, Nullable: false),
            new("period_end", FieldType.Date, Nullable: false),
            new("target", FieldType.Decimal, Nullable: false),
            // '' when the file leaves it empty, so it can be part of the key.
            new("segment", FieldType.String, Nullable: false),
            .. FileFields,
        ],
        ["kpi", "period_start", "period_end", "segment"],
        "file_version");

    /// <summary><c>fx_rates.csv</c>: how many units of the reporting currency one unit of <c>currency</c> is worth on a day.</summary>
    public static StreamDescriptor FxRates { get; } = new(
        Source,
        "fx_rates",
        Kind,
        [
            new("date", FieldType.Date, Nullable: false),
            new("currency", FieldType.String, Nullable: false),
            new("rate", FieldType.Decimal, Nullable: false),
            .. FileFields,
        ],
        ["date", "currency"],
        "file_version");

    public static IReadOnlyList<StreamDescriptor> All { get; } = [MarketingCosts, NpsResponses, KpiTargets, FxRates];

    /// <summary>Stream names, in the order a run reads them.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. All.Select(s => s.Name)];
}
