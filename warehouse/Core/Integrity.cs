namespace Pipeline.Warehouse;

/// <summary>One table read end to end by an integrity check; <see cref="Error"/> is null when every block read back.</summary>
public sealed record TableCheck(string Schema, string Name, string? Error)
{
    public string QualifiedName => $"{Schema}.{Name}";

    public bool Damaged => Error is not null;
}

/// <summary>What <see cref="IWarehouseEngine.CheckAsync"/> found: every table it read, damaged ones with the engine's error.</summary>
public sealed record IntegrityReport(IReadOnlyList<TableCheck> Tables)
{
    public IReadOnlyList<TableCheck> Damaged => Tables.Where(t => t.Damaged).ToList();

    public bool Healthy => Tables.All(t => !t.Damaged);

    /// <summary>One line for logs, alerts and the recorded failed check.</summary>
    public string Summary => Healthy
        ? $"{Tables.Count} tables checked, all readable"
        : $"{Damaged.Count} of {Tables.Count} tables damaged: {string.Join(", ", Damaged.Select(t => t.QualifiedName))}";
}

/// <summary>A backup the engine wrote (or, where the copy lives on a server, the statement it ran).</summary>
/// <param name="Location">The copy: a file path (DuckDB) or the server-side target (SQL Server).</param>
/// <param name="Removed">Older copies deleted to keep the configured number.</param>
/// <param name="Statement">The native statement that made the copy, where the engine has one (SQL Server).</param>
public sealed record BackupResult(string Location, long Bytes, IReadOnlyList<string> Removed, string? Statement = null);

/// <summary>
/// The warehouse is damaged: it cannot be opened, or a recorded integrity check failed and nothing may write into it
/// until a backup is restored or a new check passes. The message is one line saying which and what to do.
/// </summary>
public sealed class WarehouseDamagedException : Exception
{
    public WarehouseDamagedException(string message, Exception? inner = null) : base(message, inner) { }

    public WarehouseDamagedException() { }

    public WarehouseDamagedException(string message) : base(message) { }
}

/// <summary>The one call writers make before writing: refuse while a failed integrity check stands.</summary>
public static class IntegrityGuard
{
    public const string WhatToDo = "restore a backup (pipeline restore --from FILE) or, after repairing it, run 'pipeline check' again";

    public static async Task ThrowIfFailedCheckAsync(this IWarehouseEngine warehouse, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        if (await warehouse.ReadFailedCheckAsync(cancellationToken) is { } failed)
        {
            throw new WarehouseDamagedException($"refusing to write into {warehouse.Location}: it failed its integrity check ({failed}); {WhatToDo}");
        }
    }
}
