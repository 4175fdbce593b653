using System.Globalization;
using Microsoft.Extensions.Logging;
using Pipeline.Connectors.Streams;
using Pipeline.Warehouse;

namespace Pipeline.Etl.Sync;

/// <summary>
/// Where an account's data starts (<see cref="IAccountDataStart"/>), asked from the platform once per account and
/// kept in the warehouse's small key-value state (<c>etl.alert_state</c>, key <c>data_start:&lt;source&gt;:&lt;account&gt;</c>;
/// "none" when the platform does not say), so later runs and new streams do not ask again. A failing request is
/// logged and not kept: the configured start applies and the next run asks again.
/// </summary>
internal sealed class AccountDataStart(IAlertState state, ISourceConnection connection, ILogger logger)
{
    private const string Unknown = "none";
    private bool known;
    private DateOnly? start;

    public static string Key(string source, string accountId) => $"data_start:{source}:{accountId}";

    /// <summary>The first data day, never after <paramref name="today"/>; null when unknown or the connection cannot say.</summary>
    public async Task<DateOnly?> GetAsync(DateOnly today, CancellationToken cancellationToken)
    {
        if (connection is not IAccountDataStart platform)
        {
            return null;
        }

        if (!known)
        {
            start = await ReadAsync(platform, cancellationToken);
            known = true;
        }

        return start > today ? today : start;
    }

    private async Task<DateOnly?> ReadAsync(IAccountDataStart platform, CancellationToken cancellationToken)
    {
        var key = Key(connection.Source, connection.AccountId);
        var cached = await state.GetAsync(key, cancellationToken);
        if (cached == Unknown)
        {
            return null;
        }

        if (DateOnly.TryParseExact(cached, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return day;
        }

        DateOnly? asked;
        try
        {
            asked = await platform.GetDataStartAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("{Source} {Account}: could not read where the account's data starts ({Error}); the configured first-run start applies",
                connection.Source, connection.AccountId, ex.Message);
            return null;
        }

        await state.SetAsync(key, asked?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? Unknown, cancellationToken);
        logger.LogInformation("{Source} {Account}: data starts {Start}", connection.Source, connection.AccountId,
            asked?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "(not stated by the platform; configured start applies)");
        return asked;
    }
}
