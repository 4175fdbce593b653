using System.Data.Common;

namespace Pipeline.Warehouse.DuckDb;

/// <summary>
/// A statement run unprepared (<see cref="DuckDbMartRefreshSql.ExecuteAsync"/>) that DuckDB refused or failed, with
/// DuckDB's own message ("Catalog Error: …", "Out of Memory Error: …"): DuckDB.NET's own exception has no public
/// constructor.
/// </summary>
public sealed class DuckDbStatementException(string message) : DbException(message);
