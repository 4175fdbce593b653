using DbUp.Support;

namespace Pipeline.Warehouse.DuckDb.DbUp;

/// <summary>DuckDB quotes identifiers with double quotes.</summary>
public sealed class DuckDbObjectParser : SqlObjectParser
{
    public DuckDbObjectParser() : base("\"", "\"")
    {
    }
}
