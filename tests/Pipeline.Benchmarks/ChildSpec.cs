namespace Pipeline.Benchmarks;

/// <summary>What one child process measures: the sandbox to read (base addresses and its fake credentials), the warehouse, the day.</summary>
internal sealed record ChildSpec
{
    public required string Kind { get; init; }

    public required string Warehouse { get; init; }

    public DateOnly Today { get; init; }

    public int FirstRunDays { get; init; }

    /// <summary>Only these streams (null: every stream of the configured sources).</summary>
    public IReadOnlyList<string>? Streams { get; init; }

    /// <summary>Sources to configure: ga4-landing, meta-country, all.</summary>
    public string Sources { get; init; } = "all";

    /// <summary>
    /// Folder of the report response bodies: the sandbox records them while it serves a sync
    /// (<c>SandboxOptions.RecordReportBodiesTo</c>, in the parent, so the sync does not pay for the copy); the floor reads them.
    /// </summary>
    public string? ReportBodiesFolder { get; init; }

    public string? PublishedPath { get; init; }

    /// <summary>sync: after the sync, refresh the mart tables as the CLI does, timed on its own (figure refresh_seconds).</summary>
    public bool RefreshMarts { get; init; }

    /// <summary>serve-ga4: a bearer token the sandbox issued, so the child can call the Data API without the connector.</summary>
    public string? Ga4AccessToken { get; init; }

    /// <summary>scale-up: staging rows the copied world should reach.</summary>
    public long TargetRows { get; init; }

    /// <summary>Meta page size (the connector's default 500 when null).</summary>
    public int? MetaPageSize { get; init; }

    /// <summary>
    /// No pause before Meta's emulated usage limit (~400 calls per 10 minutes): only for loading history, which is
    /// setup; otherwise a 3-year backfill measures the rate limit, not the pipeline.
    /// </summary>
    public bool NoMetaPacing { get; init; }

    public string Ga4Base { get; init; } = "";

    public string TokenUrl { get; init; } = "";

    public string Ga4Property { get; init; } = "";

    public string Ga4KeyJson { get; init; } = "";

    public string MetaBase { get; init; } = "";

    public string MetaToken { get; init; } = "";

    public IReadOnlyList<string> MetaAccounts { get; init; } = [];

    public string MailchimpBase { get; init; } = "";

    public string MailchimpKey { get; init; } = "";

    public string HubSpotBase { get; init; } = "";

    public string HubSpotToken { get; init; } = "";
}

/// <summary>What a child measured; the parent adds the floor ratio and the goals.</summary>
internal sealed record ChildResult
{
    public long Rows { get; init; }

    public double Seconds { get; init; }

    /// <summary>CPU seconds (user + kernel, every thread) this child process spent in <see cref="Seconds"/>.</summary>
    public double CpuSeconds { get; init; }

    public long Bytes { get; init; }

    public double PeakWorkingSetMb { get; init; }

    public Dictionary<string, long> ApiCallsBySource { get; init; } = [];

    public Dictionary<string, double> Figures { get; init; } = [];

    public string? Error { get; init; }
}
