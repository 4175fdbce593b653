using DuckDB.NET.Data;

namespace Pipeline.Warehouse.DuckDb;

/// <summary>DuckDB's SQL where the read queries differ: <c>$name</c> parameters, real booleans, duckdb_functions().</summary>
public sealed class DuckDbDialect : SqlDialect
{
    public static DuckDbDialect Instance { get; } = new();

    public override string Name => "duckdb";

    public override string Parameter(string name) => "$" + name;

    public override string IsTrue(string column) => column;

    public override string CountRoutines(string schema, string name) =>
        $"(SELECT count(*) FROM duckdb_functions() WHERE schema_name = '{schema}' AND function_name = '{name}')";
}

/// <summary>
/// Read queries on a second connection to the file the engine holds (DuckDB shares the open database, and its
/// lock, within the process).
/// </summary>
internal sealed class DuckDbReader(DuckDbWarehouse warehouse) : IWarehouseReader
{
    public SqlDialect Dialect => DuckDbDialect.Instance;

    public async Task<IReadOnlyList<SqlRow>> QueryAsync(string sql, IReadOnlyDictionary<string, object?>? parameters = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sql);
        await using var connection = warehouse.OpenConnection();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        // DuckDB refuses parameters a statement does not name; callers may pass a common set.
        foreach (var (name, value) in parameters ?? new Dictionary<string, object?>())
        {
            if (Dialect.Uses(sql, name))
            {
                command.Parameters.Add(new DuckDBParameter(name, value));
            }
        }

        return await warehouse.WithQueryMemoryAsync(connection, async () =>
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await SqlRow.ReadAllAsync(reader, cancellationToken);
        });
    }
}
