using DbUp.Engine;
using Pipeline.Connectors.Streams;

namespace Pipeline.Warehouse.SqlServer;

public sealed class SqlServerWarehouseOptions
{
    /// <summary>
    /// ADO.NET connection string naming the warehouse database (Integrated, SQL or Entra authentication). A secret:
    /// never logged; <see cref="SqlServerWarehouse.Location"/> shows only server and database.
    /// </summary>
    public required string ConnectionString { get; init; }

    /// <summary>
    /// True for migrate and sync: a missing database is created (with <see cref="Collation"/>). False for read-only
    /// commands: a missing database is an error.
    /// </summary>
    public bool CreateIfMissing { get; init; } = true;

    /// <summary>
    /// Collation of a database that migrate creates. Case-sensitive, like DuckDB, so keys and labels that differ only
    /// in case stay apart on both engines. An existing database keeps its own collation.
    /// </summary>
    public string Collation { get; init; } = "Latin1_General_100_CS_AS_SC_UTF8";

    /// <summary>Settings of the star schema and KPI marts; null deploys without them (as on DuckDB).</summary>
    public ReportingSettings? Reporting { get; init; }

    /// <summary>Extra migration scripts after the built-in ones (tests use it to prove a broken script stops cleanly).</summary>
    public IReadOnlyList<IScriptProvider> AdditionalScripts { get; init; } = [];

    /// <summary>
    /// How long a load waits for another process that is committing the same stream of the same account (and a
    /// migrate for another migrate) before it fails with <see cref="WarehouseBusyException"/>.
    /// </summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Timeout of each statement of a load's commit and of each migration batch.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Rows per SqlBulkCopy batch into the session's load table.</summary>
    public int BulkCopyBatchSize { get; init; } = 10_000;

    /// <summary>
    /// Called inside the load transaction after every write and before COMMIT. A throw rolls the window back;
    /// tests inject failures (and hold the stream's lock) here.
    /// </summary>
    public Func<StreamDescriptor, LoadWindow, CancellationToken, Task>? BeforeCommit { get; init; }
}
