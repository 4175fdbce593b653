using Pipeline.Etl.Configuration;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Compact;
using Serilog.Formatting.Display;

namespace Pipeline.Cli.Logging;

/// <summary>
/// Human-readable events on stderr (stdout stays for tables and results) and a daily rolling JSON file; every
/// event carries the invocation's run id; secret values from the configuration are scrubbed before any sink.
/// </summary>
internal static class PipelineLogging
{
    /// <summary>Property that keeps an event out of the console (see <see cref="FileOnlyFilter"/>).</summary>
    public const string FileOnly = "FileOnly";

    public static Logger Create(LoggingOptions options, string runId, IReadOnlyList<string> secrets, TextWriter? console = null)
    {
        var level = Enum.Parse<LogEventLevel>(options.Level, ignoreCase: true);
        var config = new LoggerConfiguration()
            .MinimumLevel.Is(level)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("System.Net.Http", LogEventLevel.Warning)
            .Enrich.FromLogContext()
            .Enrich.WithProperty("RunId", runId);

        const string ConsoleTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}";
        ILogEventSink consoleSink = console is null
            ? SinkOf(c => c.Console(outputTemplate: ConsoleTemplate, standardErrorFromLevel: LogEventLevel.Verbose, formatProvider: System.Globalization.CultureInfo.InvariantCulture))
            : new TextWriterSink(console, new MessageTemplateTextFormatter(ConsoleTemplate, System.Globalization.CultureInfo.InvariantCulture));
        config = config.WriteTo.Sink(new RedactingSink(new FileOnlyFilter(consoleSink), secrets));

        if (!string.IsNullOrWhiteSpace(options.Directory))
        {
            var path = Path.Combine(options.Directory, "pipeline-.json");
            config = config.WriteTo.Sink(new RedactingSink(
                SinkOf(c => c.File(new CompactJsonFormatter(), path, rollingInterval: RollingInterval.Day, retainedFileCountLimit: 14, shared: true)),
                secrets));
        }

        return config.CreateLogger();
    }

    /// <summary>Builds a configured sink as a plain <see cref="ILogEventSink"/> so it can be wrapped.</summary>
    private static Logger SinkOf(Func<Serilog.Configuration.LoggerSinkConfiguration, LoggerConfiguration> write) =>
        write(new LoggerConfiguration().MinimumLevel.Verbose().WriteTo).CreateLogger();
}

/// <summary>
/// Keeps events marked <see cref="PipelineLogging.FileOnly"/> off the console: a failed command already prints its
/// one-line error there, and its stack trace belongs in the log file only.
/// </summary>
internal sealed class FileOnlyFilter(ILogEventSink inner) : ILogEventSink, IDisposable
{
    public void Emit(LogEvent logEvent)
    {
        if (!logEvent.Properties.ContainsKey(PipelineLogging.FileOnly))
        {
            inner.Emit(logEvent);
        }
    }

    public void Dispose() => (inner as IDisposable)?.Dispose();
}

/// <summary>Writes events to a caller's writer (tests capture the log this way).</summary>
internal sealed class TextWriterSink(TextWriter writer, ITextFormatter formatter) : ILogEventSink
{
    private readonly Lock gate = new();

    public void Emit(LogEvent logEvent)
    {
        lock (gate)
        {
            formatter.Format(logEvent, writer);
        }
    }
}
