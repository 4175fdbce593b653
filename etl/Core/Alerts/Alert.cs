using Microsoft.Extensions.Logging;

namespace Pipeline.Etl.Alerts;

public enum AlertKind
{
    RunFailed,
    Stale,
    Recovered,
    Anomaly,
    ApiVersion,
    SourceHealth,
}

/// <summary>
/// One thing an operator should know: a headline naming the source and what happened, and detail lines. The text is
/// plain (Slack and Teams both render it) and is redacted before it leaves the process.
/// </summary>
public sealed record Alert(AlertKind Kind, LogLevel Level, string Source, string Title, IReadOnlyList<string> Lines)
{
    public string Text => Lines.Count == 0 ? Title : Title + "\n" + string.Join("\n", Lines.Select(l => "• " + l));
}

/// <summary>Where alerts go: the log always, a webhook when configured.</summary>
public interface IAlertSink
{
    Task SendAsync(Alert alert, CancellationToken cancellationToken = default);
}
