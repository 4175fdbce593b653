namespace Pipeline.Warehouse;

/// <summary>Another process holds the warehouse; the message says which.</summary>
public sealed class WarehouseBusyException : Exception
{
    public WarehouseBusyException(string message, Exception? inner = null) : base(message, inner) { }

    public WarehouseBusyException() { }

    public WarehouseBusyException(string message) : base(message) { }

    /// <summary>The process holding the warehouse, where the engine names it (DuckDB's file lock does).</summary>
    public int? HolderProcessId { get; init; }
}

/// <summary>A migration script failed; earlier scripts stay applied and journaled.</summary>
public sealed class MigrationFailedException : Exception
{
    public MigrationFailedException(string scriptName, string engineError, Exception? inner = null)
        : base($"migration script '{scriptName}' failed: {engineError}", inner)
    {
        ScriptName = scriptName;
        EngineError = engineError;
    }

    public MigrationFailedException() { ScriptName = ""; EngineError = ""; }

    public MigrationFailedException(string message) : base(message) { ScriptName = ""; EngineError = message; }

    public MigrationFailedException(string message, Exception inner) : base(message, inner) { ScriptName = ""; EngineError = message; }

    public string ScriptName { get; }

    public string EngineError { get; }
}

/// <summary>A load was refused before anything was written (bad window, schema mismatch).</summary>
public sealed class LoadRejectedException : Exception
{
    public LoadRejectedException(string message) : base(message) { }

    public LoadRejectedException() { }

    public LoadRejectedException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// The warehouse's disk (or the disk of its temporary files) is full; the message names it first, whatever words the
/// engine used. Whatever the failed statement wrote was rolled back.
/// </summary>
public sealed class WarehouseDiskFullException : Exception
{
    public WarehouseDiskFullException(string message, Exception? inner = null) : base(message, inner) { }

    public WarehouseDiskFullException() { }

    public WarehouseDiskFullException(string message) : base(message) { }
}
