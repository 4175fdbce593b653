using Pipeline.Connectors.Files;
using Pipeline.Connectors.Ga4;
using Pipeline.Connectors.HubSpot;
using Pipeline.Connectors.Mailchimp;
using Pipeline.Connectors.Meta;
using Pipeline.Connectors.Modules;
using Pipeline.Connectors.Streams;

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

    /// <summary>How <c>pipeline sync</c> runs a source's accounts (how many at once).</summary>
    public SyncOptions Sync { get; set; } = new();

    /// <summary>When <c>pipeline schedule</c> syncs each source account, and how it stops.</summary>
    public Scheduling.ScheduleOptions Schedule { get; set; } = new();

    /// <summary>Where failed runs, stale sources and new KPI anomalies are reported.</summary>
    public Alerts.AlertOptions Alerts { get; set; } = new();

    /// <summary>The read-only copy of the marts for BI tools (DuckDB).</summary>
    public Scheduling.PublishOptions Publish { get; set; } = new();

    /// <summary>Where <c>pipeline backup</c> and the scheduler put copies of the warehouse, and how many are kept.</summary>
    public BackupOptions Backup { get; set; } = new();

    /// <summary>Reports sent by e-mail on a cron (and by <c>pipeline report --send</c>).</summary>
    public List<Delivery.ReportDeliveryOptions> Reports { get; set; } = [];

    /// <summary>The mail server of <see cref="Reports"/>.</summary>
    public Delivery.SmtpOptions Smtp { get; set; } = new();
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
    /// DuckDB's <c>memory_limit</c> (e.g. "96MB", "2GB"): what its buffers may hold before spilling to disk beside the
    /// file. Empty keeps DuckDB's own default (80 % of RAM), which a scheduler sharing a small machine rarely wants.
    /// 96MB holds a window's appended rows and the checkpoints (make bench: GA4 windows of 1.5M rows and Meta by
    /// country, the widest rows, load within it; 80MB loads Meta too, with more spilling); at 64MB Meta by country
    /// failed ("failed to allocate", or at a commit "failed to pin block"). A Meta window fills the limit, so it sets
    /// the sync's peak: 128MB peaked ~55 MB higher (make bench, paired runs). Reads of the marts use
    /// <see cref="QueryMemoryLimit"/>.
    /// </summary>
    public string? MemoryLimit { get; set; } = "96MB";

    /// <summary>
    /// DuckDB's <c>memory_limit</c> for reading the marts (kpi, report, status, publishing the BI copy). The KPI views
    /// join many small aggregates and DuckDB reserves memory per hash table, so they need more than a load does.
    /// Empty uses <see cref="MemoryLimit"/>.
    /// </summary>
    public string? QueryMemoryLimit { get; set; } = "2GB";
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

/// <summary>
/// Configured source sections, each bound to its module's options type (see <see cref="Sources.Modules"/>). A
/// source added later needs nothing here: its module names its section.
/// </summary>
public sealed class SourcesOptions
{
    private readonly Dictionary<ISourceModule, ISourceOptions> configured = [];

    /// <summary>Configured sources in module order, each with its options.</summary>
    public IEnumerable<(ISourceModule Module, ISourceOptions Options)> Configured =>
        Sources.Modules.Where(configured.ContainsKey).Select(m => (m, configured[m]));

    /// <summary>The options of a section or source name, or null when it is not configured.</summary>
    public ISourceOptions? Get(string nameOrSection) =>
        Sources.Find(nameOrSection) is { } module && configured.TryGetValue(module, out var options) ? options : null;

    /// <summary>Configures (or, with null, removes) a source; the options must be its module's options type.</summary>
    public void Set(string nameOrSection, ISourceOptions? options)
    {
        var module = Sources.Find(nameOrSection) ?? throw new ArgumentException($"no source module named '{nameOrSection}' (known: {string.Join(", ", Sources.Known)})", nameof(nameOrSection));
        if (options is null)
        {
            configured.Remove(module);
            return;
        }

        if (!module.OptionsType.IsInstanceOfType(options))
        {
            throw new ArgumentException($"Sources:{module.Section} takes {module.OptionsType.Name}, not {options.GetType().Name}", nameof(options));
        }

        configured[module] = options;
    }

    // Typed shortcuts for code written before modules (fixtures, benchmarks); a new source needs none. The
    // ConfigValidator binds every section through its module, replacing what the generic binder set through these.
    public Ga4Options? Ga4 { get => Get("Ga4") as Ga4Options; set => Set("Ga4", value); }

    public MetaOptions? Meta { get => Get("Meta") as MetaOptions; set => Set("Meta", value); }

    public MailchimpOptions? Mailchimp { get => Get("Mailchimp") as MailchimpOptions; set => Set("Mailchimp", value); }

    public HubSpotOptions? HubSpot { get => Get("HubSpot") as HubSpotOptions; set => Set("HubSpot", value); }

    public FilesOptions? Files { get => Get("Files") as FilesOptions; set => Set("Files", value); }
}
