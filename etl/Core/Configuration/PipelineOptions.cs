using Pipeline.Connectors.Files;
using Pipeline.Connectors.Ga4;
using Pipeline.Connectors.HubSpot;
using Pipeline.Connectors.Mailchimp;
using Pipeline.Connectors.Meta;

namespace Pipeline.Etl.Configuration;

/// <summary>
/// The whole configuration. Its shape is the schema: <see cref="ConfigValidator"/> rejects any key that does not
/// map to a property here, so a typo is an error, not a silently ignored setting.
/// </summary>
public sealed class PipelineOptions
{
    public WarehouseOptions Warehouse { get; set; } = new();

    public LoggingOptions Logging { get; set; } = new();

    public SourcesOptions Sources { get; set; } = new();

    /// <summary>Reporting currency, time zone and business settings of the KPI marts.</summary>
    public Warehouse.ReportingSettings Reporting { get; set; } = new();

    /// <summary>When <c>pipeline schedule</c> syncs each source account, and how it stops.</summary>
    public Scheduling.ScheduleOptions Schedule { get; set; } = new();

    /// <summary>Where failed runs, stale sources and new KPI anomalies are reported.</summary>
    public Alerts.AlertOptions Alerts { get; set; } = new();

    /// <summary>The read-only copy of the marts for BI tools (DuckDB).</summary>
    public Scheduling.PublishOptions Publish { get; set; } = new();
}

public sealed class WarehouseOptions
{
    public const string DuckDbEngine = "duckdb";
    public const string SqlServerEngine = "sqlserver";

    /// <summary><c>duckdb</c> (embedded default) or <c>sqlserver</c> (production).</summary>
    public string Engine { get; set; } = DuckDbEngine;

    public DuckDbSettings DuckDb { get; set; } = new();

    public SqlServerSettings SqlServer { get; set; } = new();
}

public sealed class DuckDbSettings
{
    /// <summary>Database file, relative to the working directory unless absolute.</summary>
    public string Path { get; set; } = "data/warehouse.duckdb";

    /// <summary>
    /// DuckDB's <c>memory_limit</c> (e.g. "512MB", "2GB"): what its buffers may hold before spilling to disk beside the
    /// file. Empty keeps DuckDB's own default (80 % of RAM), which a scheduler sharing a small machine rarely wants.
    /// </summary>
    public string? MemoryLimit { get; set; } = "512MB";
}

public sealed class SqlServerSettings
{
    /// <summary>ADO.NET connection string (Integrated, SQL or Entra auth). A secret: never printed.</summary>
    public string? ConnectionString { get; set; }
}

public sealed class LoggingOptions
{
    /// <summary>Serilog minimum level: Verbose, Debug, Information, Warning, Error, Fatal.</summary>
    public string Level { get; set; } = "Information";

    /// <summary>Folder of the rolling JSON log files; empty disables the file log.</summary>
    public string Directory { get; set; } = "logs";
}

/// <summary>Configured source accounts. Each connector adds its section here (see <see cref="Sources"/>).</summary>
public sealed class SourcesOptions
{
    public Ga4Options? Ga4 { get; set; }

    public MetaOptions? Meta { get; set; }

    public MailchimpOptions? Mailchimp { get; set; }

    public HubSpotOptions? HubSpot { get; set; }

    public FilesOptions? Files { get; set; }
}
