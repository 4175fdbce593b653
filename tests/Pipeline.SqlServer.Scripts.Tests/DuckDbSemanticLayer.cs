using Dapper;
using DuckDB.NET.Data;
using Pipeline.Warehouse;
using Pipeline.Warehouse.DuckDb;

namespace Pipeline.SqlServer.Scripts.Tests;

/// <summary>A column of a dw/mart view or table in DuckDB, with its description (null when none).</summary>
internal sealed record DuckDbColumn(string Schema, string Table, string Column, int Index, string? Comment);

/// <summary>A dw/mart view in DuckDB, with its description (null when none).</summary>
internal sealed record DuckDbView(string Schema, string Name, string? Comment)
{
    public string Key => Schema + "." + Name;
}

/// <summary>A DuckDB table macro in dw/mart: its parameters and the columns it returns.</summary>
internal sealed record DuckDbTableMacro(string Schema, string Name, IReadOnlyList<string> Parameters, IReadOnlyList<string> Columns)
{
    public string Key => Schema + "." + Name;
}

/// <summary>
/// The reference: a fresh DuckDB warehouse migrated with every built-in stream and the semantic layer (default
/// reporting settings), read once per test run into memory and deleted.
/// </summary>
internal sealed class DuckDbSemanticLayer
{
    private DuckDbSemanticLayer(IReadOnlyList<DuckDbView> views, IReadOnlyList<DuckDbColumn> columns, IReadOnlyList<DuckDbTableMacro> macros)
    {
        Views = views;
        Columns = columns;
        Macros = macros;
    }

    public IReadOnlyList<DuckDbView> Views { get; }

    /// <summary>Columns of every dw/mart table and view, in column order.</summary>
    public IReadOnlyList<DuckDbColumn> Columns { get; }

    public IReadOnlyList<DuckDbTableMacro> Macros { get; }

    public IReadOnlyList<string> ColumnsOf(string schema, string name) =>
        [.. Columns.Where(c => c.Schema == schema && c.Table == name).OrderBy(c => c.Index).Select(c => c.Column)];

    private static readonly Lazy<Task<DuckDbSemanticLayer>> Loaded = new(LoadAsync);

    public static Task<DuckDbSemanticLayer> GetAsync() => Loaded.Value;

    private static async Task<DuckDbSemanticLayer> LoadAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "pipeline-sqlserver-scripts-tests", Guid.NewGuid().ToString("N"));
        var path = Path.Combine(folder, "warehouse.duckdb");
        try
        {
            await using (var warehouse = DuckDbWarehouse.Open(new DuckDbWarehouseOptions { Path = path, Reporting = new ReportingSettings() }))
            {
                await warehouse.MigrateAsync(Pipeline.Etl.Sources.BuiltInStreams);
            }

            await using var connection = new DuckDBConnection($"Data Source={path}");
            await connection.OpenAsync();
            var views = (await connection.QueryAsync<DuckDbView>(
                """
                SELECT schema_name AS Schema, view_name AS Name, comment AS Comment
                FROM duckdb_views() WHERE NOT internal AND schema_name IN ('dw', 'mart')
                ORDER BY schema_name, view_name
                """)).ToList();
            var columns = (await connection.QueryAsync<DuckDbColumn>(
                """
                SELECT schema_name AS Schema, table_name AS "Table", column_name AS "Column", CAST(column_index AS INTEGER) AS "Index", comment AS Comment
                FROM duckdb_columns() WHERE schema_name IN ('dw', 'mart')
                ORDER BY schema_name, table_name, column_index
                """)).ToList();
            var macros = new List<DuckDbTableMacro>();
            foreach (var (schema, name, parameters) in await connection.QueryAsync<(string, string, string)>(
                         """
                         SELECT schema_name, function_name, array_to_string(parameters, ',')
                         FROM duckdb_functions() WHERE function_type = 'table_macro' AND schema_name IN ('dw', 'mart')
                         ORDER BY schema_name, function_name
                         """))
            {
                var names = parameters.Split(',', StringSplitOptions.RemoveEmptyEntries);
                await using var command = connection.CreateCommand();
                // NULL arguments: only the shape of the result is read, not its rows.
                command.CommandText = $"SELECT * FROM {schema}.{name}({string.Join(", ", names.Select(_ => "NULL"))}) LIMIT 0";
                await using var reader = await command.ExecuteReaderAsync();
                macros.Add(new DuckDbTableMacro(schema, name, names, [.. Enumerable.Range(0, reader.FieldCount).Select(reader.GetName)]));
            }

            return new DuckDbSemanticLayer(views, columns, macros);
        }
        finally
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A file still mapped by DuckDB; the temp folder is cleaned by the OS.
            }
        }
    }
}
