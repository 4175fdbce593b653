namespace Pipeline.Connectors.Streams;

/// <summary>
/// The zone an account's report days are counted in: the configured one wins, else the one the API reports. An
/// unknown zone is an error, never a silent fallback to UTC: that would shift every day of the account.
/// </summary>
public static class AccountTimeZone
{
    /// <returns>The zone, or null when neither configuration nor API names one (the caller decides).</returns>
    /// <exception cref="TimeZoneNotFoundException">The named zone is unknown; the message says which and where from.</exception>
    public static TimeZoneInfo? Resolve(string? configured, string? reported)
    {
        var (id, origin) = string.IsNullOrWhiteSpace(configured) ? (reported, "reported by the API") : (configured, "configured");
        if (string.IsNullOrWhiteSpace(id))
        {
            return null;
        }

        return TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone)
            ? zone
            : throw new TimeZoneNotFoundException($"unknown time zone '{id}' ({origin})");
    }
}
