namespace Pipeline.Warehouse;

/// <summary>
/// What one load replaces: for a report stream every row of <see cref="AccountId"/> whose cursor date lies in
/// [<see cref="From"/>, <see cref="To"/>]; for an entity stream the rows whose keys arrive.
/// </summary>
public sealed record LoadWindow(string AccountId, string RunId, DateOnly? From = null, DateOnly? To = null)
{
    public override string ToString() =>
        From is null ? $"account {AccountId}" : $"account {AccountId} {From:yyyy-MM-dd}..{To:yyyy-MM-dd}";
}

/// <summary>Outcome of one committed window.</summary>
/// <param name="RowsRead">Records received from the connector, rejects included.</param>
/// <param name="RowsWritten">Rows now in staging for the window.</param>
/// <param name="RowsRejected">Records written to <c>etl.rejected_records</c>.</param>
/// <param name="Cursor">Cursor committed to <c>etl.sync_state</c> with the rows.</param>
public sealed record WindowLoadResult(long RowsRead, long RowsWritten, long RowsRejected, string? Cursor);
