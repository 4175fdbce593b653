using Serilog.Core;
using Serilog.Events;

namespace Pipeline.Cli.Logging;

/// <summary>
/// Scrubs known secret values from every event before the inner sink sees it: message properties and the
/// exception text alike, because secrets leak most often through an exception message or a URL.
/// </summary>
internal sealed class RedactingSink(ILogEventSink inner, IReadOnlyList<string> secrets) : ILogEventSink, IDisposable
{
    public void Emit(LogEvent logEvent)
    {
        if (secrets.Count == 0)
        {
            inner.Emit(logEvent);
            return;
        }

        var properties = logEvent.Properties.Select(p => new LogEventProperty(p.Key, Redact(p.Value)));
        var exception = logEvent.Exception is { } ex && Contains(ex.ToString()) ? new RedactedException(ex, Redact(ex.ToString())) : logEvent.Exception;
        inner.Emit(new LogEvent(logEvent.Timestamp, logEvent.Level, exception, logEvent.MessageTemplate, properties));
    }

    public void Dispose() => (inner as IDisposable)?.Dispose();

    private LogEventPropertyValue Redact(LogEventPropertyValue value) => value switch
    {
        ScalarValue { Value: string s } when Contains(s) => new ScalarValue(Redact(s)),
        ScalarValue { Value: Uri u } when Contains(u.ToString()) => new ScalarValue(Redact(u.ToString())),
        SequenceValue seq => new SequenceValue(seq.Elements.Select(Redact)),
        StructureValue st => new StructureValue(st.Properties.Select(p => new LogEventProperty(p.Name, Redact(p.Value))), st.TypeTag),
        DictionaryValue d => new DictionaryValue(d.Elements.Select(kv => new KeyValuePair<ScalarValue, LogEventPropertyValue>(kv.Key, Redact(kv.Value)))),
        _ => value,
    };

    private bool Contains(string text) => secrets.Any(s => text.Contains(s, StringComparison.Ordinal));

    private string Redact(string text)
    {
        foreach (var secret in secrets)
        {
            text = text.Replace(secret, Pipeline.Etl.Configuration.SecretKeys.Mask, StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>Stands in for an exception whose text held a secret; formatters print <see cref="ToString"/>.</summary>
    private sealed class RedactedException(Exception original, string redactedText) : Exception(original.GetType().FullName)
    {
        public override string ToString() => redactedText;

        public override string? StackTrace => null;
    }
}
