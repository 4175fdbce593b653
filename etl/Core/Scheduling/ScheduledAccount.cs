using Pipeline.Etl.Configuration;

namespace Pipeline.Etl.Scheduling;

/// <summary>
/// One configured account of a source, as the schedule sees it before anything is connected: its position among
/// the source's accounts (connections come back in configuration order) and a label for job names and logs.
/// <see cref="Index"/> is null for a source whose accounts are not known from configuration: its job syncs all.
/// </summary>
public sealed record ScheduledAccount(string Source, int? Index, string Label)
{
    /// <summary>The accounts configured under <c>Sources</c>, as each source's module labels them, in module order.</summary>
    public static IReadOnlyList<ScheduledAccount> FromConfiguration(SourcesOptions sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        return [.. sources.Configured.SelectMany(c => c.Module.AccountLabels(c.Options).Select((label, i) => new ScheduledAccount(c.Module.Name, i, label)))];
    }
}
