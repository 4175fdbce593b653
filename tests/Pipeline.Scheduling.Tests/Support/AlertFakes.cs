using Pipeline.Etl.Alerts;
using Pipeline.Warehouse;

namespace Pipeline.Scheduling.Tests.Support;

/// <summary>An alert sink that keeps what it was sent, for tests that count alerts.</summary>
internal sealed class RecordingSink : IAlertSink
{
    public List<Alert> Alerts { get; } = [];

    public Task SendAsync(Alert alert, CancellationToken cancellationToken = default)
    {
        Alerts.Add(alert);
        return Task.CompletedTask;
    }
}

/// <summary>The alert state of an engine, in a dictionary (the engines' tables are tested with the engines).</summary>
internal sealed class DictionaryAlertState : IAlertState
{
    private readonly Dictionary<string, string> values = new(StringComparer.Ordinal);

    public Task<string?> GetAsync(string key, CancellationToken cancellationToken = default) => Task.FromResult(values.GetValueOrDefault(key));

    public Task SetAsync(string key, string? value, CancellationToken cancellationToken = default)
    {
        if (value is null)
        {
            values.Remove(key);
        }
        else
        {
            values[key] = value;
        }

        return Task.CompletedTask;
    }
}
