namespace Pipeline.Connectors.Streams;

/// <summary>How a stream's rows replace what the warehouse already holds.</summary>
public enum StreamKind
{
    /// <summary>
    /// Rows belong to a date window (the cursor field is a date); a load replaces every row of that window,
    /// so restated days are corrected and nothing is counted twice.
    /// </summary>
    Report,

    /// <summary>Rows are entities keyed by their primary key; a load upserts them.</summary>
    Entity,

    /// <summary>
    /// Each load is the stream's complete content for the account: it replaces every row the account holds in the
    /// stream (rows missing from it are deleted). A read that yields no batch at all changes nothing (nothing new).
    /// The cursor is the load's highest cursor value (null when it had no rows, so the next read starts over).
    /// </summary>
    Snapshot,
}
