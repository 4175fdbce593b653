namespace Pipeline.Cli;

/// <summary>Process exit codes, stable for scripts and monitoring.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;
    public const int WarehouseBusy = 3;

    /// <summary><c>pipeline status</c>: a configured source is stale beyond its freshness SLA (for monitoring).</summary>
    public const int Stale = 4;
}
