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
}
