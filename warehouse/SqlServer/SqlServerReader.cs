using System.Data;
using Microsoft.Data.SqlClient;

namespace Pipeline.Warehouse.SqlServer;

/// <summary>T-SQL where the read queries differ: <c>@name</c> parameters, bit columns, INFORMATION_SCHEMA.ROUTINES.</summary>
public sealed class SqlServerDialect : SqlDialect
{
    public static SqlServerDialect Instance { get; } = new();

    public override string Name => "sqlserver";

    public override string Parameter(string name) => "@" + name;

    public override string IsTrue(string column) => column + " = 1";

    public override string CountRoutines(string schema, string name) =>
        $"(SELECT count(*) FROM INFORMATION_SCHEMA.ROUTINES WHERE ROUTINE_SCHEMA = '{schema}' AND ROUTINE_NAME = '{name}')";
}

/// <summary>Read queries on a pooled connection of their own, with the warehouse's command timeout.</summary>
internal sealed class SqlServerReader(SqlServerWarehouse warehouse, TimeSpan commandTimeout) : IWarehouseReader
{
    public SqlDialect Dialect => SqlServerDialect.Instance;

    public async Task<IReadOnlyList<SqlRow>> QueryAsync(string sql, IReadOnlyDictionary<string, object?>? parameters = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sql);
        await using var connection = await warehouse.Connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = (int)Math.Min(int.MaxValue, commandTimeout.TotalSeconds);
        foreach (var (name, value) in parameters ?? new Dictionary<string, object?>())
        {
            command.Parameters.Add(Parameter(name, value));
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await SqlRow.ReadAllAsync(reader, cancellationToken);
    }

    /// <summary>Dates as <c>date</c>, text as <c>nvarchar</c> (no implicit conversion of the views' columns), NULL as DBNull.</summary>
    internal static SqlParameter Parameter(string name, object? value) => value switch
    {
        null => new SqlParameter("@" + name, SqlDbType.NVarChar, 4000) { Value = DBNull.Value },
        DateOnly d => new SqlParameter("@" + name, SqlDbType.Date) { Value = d.ToDateTime(TimeOnly.MinValue) },
        string s => new SqlParameter("@" + name, SqlDbType.NVarChar, Math.Max(s.Length, 1)) { Value = s },
        _ => new SqlParameter("@" + name, value),
    };
}
