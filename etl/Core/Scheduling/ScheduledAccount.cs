using Pipeline.Etl.Configuration;

namespace Pipeline.Etl.Scheduling;

/// <summary>
/// One configured account of a source, as the schedule sees it before anything is connected: its position among
/// the source's accounts (connections come back in configuration order) and a label for job names and logs.
/// <see cref="Index"/> is null for a source whose accounts are not known from configuration: its job syncs all.
/// </summary>
public sealed record ScheduledAccount(string Source, int? Index, string Label)
{
    /// <summary>The accounts configured under <c>Sources</c>, by source name; a source not listed here has none known.</summary>
    public static IReadOnlyList<ScheduledAccount> FromConfiguration(SourcesOptions sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var accounts = new List<ScheduledAccount>();
        if (sources.Ga4 is { } ga4)
        {
            accounts.AddRange(ga4.Properties.Select((p, i) => new ScheduledAccount("ga4", i, p.PropertyId)));
        }

        if (sources.Meta is { } meta)
        {
            accounts.AddRange(meta.AccountIds.Select((id, i) => new ScheduledAccount("meta", i, id)));
        }

        if (sources.Mailchimp is { } mailchimp)
        {
            // The Mailchimp account id comes from the API; the configured one (or the position) names the job.
            accounts.AddRange(mailchimp.Accounts.Select((a, i) => new ScheduledAccount("mailchimp", i, a.AccountId is { Length: > 0 } id ? id : $"account{i + 1}")));
        }

        if (sources.HubSpot is { } hubspot)
        {
            accounts.AddRange(hubspot.Accounts.Select((a, i) => new ScheduledAccount("hubspot", i, a.PortalId is { Length: > 0 } id ? id : $"account{i + 1}")));
        }

        if (sources.Files is not null)
        {
            accounts.Add(new ScheduledAccount("files", 0, "folder"));
        }

        return accounts;
    }
}
