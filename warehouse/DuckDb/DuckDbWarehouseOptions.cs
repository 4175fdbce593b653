using DbUp.Engine;
using Pipeline.Connectors.Streams;

namespace Pipeline.Warehouse.DuckDb;

public sealed partial class DuckDbWarehouseOptions
{
    /// <summary>Database file; its folder is created on open.</summary>
    public required string Path { get; init; }

    /// <summary>False for read-only commands (status): a missing file is an error, not a new empty warehouse.</summary>
    public bool CreateIfMissing { get; init; } = true;

    /// <summary>
    /// For commands that only read (kpi, status, report): DuckDB's <c>ACCESS_MODE=READ_ONLY</c>, so a file on a
    /// read-only disk opens and several readers share it. A missing file is an error whatever
    /// <see cref="CreateIfMissing"/> says.
    /// </summary>
    public bool ReadOnly { get; init; }

    /// <summary>
    /// With <see cref="ReadOnly"/>: the published copy of the marts (<c>Publish:Path</c>) to read instead while a
    /// writer (a sync) holds the warehouse. Null or a missing file: a held warehouse is busy, as for writers.
    /// </summary>
    public string? PublishedCopyPath { get; init; }

    /// <summary>
    /// Settings of the star schema and KPI marts. Null deploys without them (they read the staging tables of every
    /// built-in stream, so only a warehouse migrated with those streams can have them).
    /// </summary>
    public ReportingSettings? Reporting { get; init; }

    /// <summary>
    /// Extra migration scripts after the built-in ones (tests use it to prove a broken script stops cleanly).
    /// </summary>
    public IReadOnlyList<IScriptProvider> AdditionalScripts { get; init; } = [];

    /// <summary>
    /// Called inside the load transaction after every write and before COMMIT. A throw rolls the window back;
    /// tests inject failures here to prove nothing half-written survives.
    /// </summary>
    public Func<StreamDescriptor, LoadWindow, CancellationToken, Task>? BeforeCommit { get; init; }

    /// <summary>DuckDB's <c>memory_limit</c> ("512MB", "2GB"); null or empty keeps DuckDB's default (80 % of RAM).</summary>
    public string? MemoryLimit { get; init; }

    /// <summary>
    /// DuckDB's <c>memory_limit</c> while the marts are read (read-only opens, publishing the BI copy); null uses
    /// <see cref="MemoryLimit"/>. The KPI views join many small aggregates, and DuckDB reserves memory per hash table
    /// whatever the data size, so they need more room than a load does even on a small warehouse.
    /// </summary>
    public string? QueryMemoryLimit { get; init; }

    internal string? QueryMemoryLimitOrDefault => string.IsNullOrWhiteSpace(QueryMemoryLimit) ? MemoryLimit : QueryMemoryLimit;

    /// <summary>A size DuckDB's memory_limit accepts: a number and a unit (KB, MB, GB, TB, KiB, MiB, GiB, TiB); empty means unset.</summary>
    public static bool IsMemoryLimit(string? value) =>
        string.IsNullOrWhiteSpace(value) || MemoryLimitPattern().IsMatch(value);

    [System.Text.RegularExpressions.GeneratedRegex(@"^\s*[0-9]+(\.[0-9]+)?\s*([KMGT]i?B)\s*$", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex MemoryLimitPattern();
}
