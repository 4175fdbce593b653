using Microsoft.Extensions.Logging;

namespace Pipeline.Etl.Alerts;

/// <summary>
/// Sends an alert: logged at its level (Warning or Error) with the source as a property, then POSTed to the webhook
/// when <c>Alerts:WebhookUrl</c> is set. The text is redacted once, before either.
/// </summary>
public sealed class AlertNotifier(ILogger<AlertNotifier> logger, AlertRedactor redactor, WebhookNotifier? webhook = null) : IAlertSink
{
    public async Task SendAsync(Alert alert, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var text = redactor.Redact(alert.Text);
        logger.Log(alert.Level, "Alert {Kind} {Source}: {Text}", alert.Kind, alert.Source, text);
        if (webhook is not null)
        {
            await webhook.PostAsync($"[pipeline] {text}", cancellationToken);
        }
    }
}
