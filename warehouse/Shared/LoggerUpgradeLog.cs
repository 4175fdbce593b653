using System.Globalization;
using DbUp.Engine.Output;
using Microsoft.Extensions.Logging;

namespace Pipeline.Warehouse.Upgrade;

/// <summary>
/// Sends DbUp's progress to the host's logger; its chatter goes to Debug so migrate output stays readable.
/// Linked into both engine assemblies (warehouse/Core does not reference DbUp).
/// </summary>
internal sealed class LoggerUpgradeLog(ILogger logger) : IUpgradeLog
{
    /// <summary>Scope property that keeps an event off the console (the CLI's PipelineLogging.FileOnly).</summary>
    private const string FileOnly = "FileOnly";

    public void LogTrace(string format, params object[] args) => Write(LogLevel.Trace, null, format, args);

    public void LogDebug(string format, params object[] args) => Write(LogLevel.Debug, null, format, args);

    public void LogInformation(string format, params object[] args) => Write(LogLevel.Debug, null, format, args);

    public void LogWarning(string format, params object[] args) => Write(LogLevel.Warning, null, format, args);

    public void LogError(string format, params object[] args) => Write(LogLevel.Error, null, format, args);

    public void LogError(Exception ex, string format, params object[] args) => Write(LogLevel.Error, ex, format, args);

    private void Write(LogLevel level, Exception? ex, string format, object[] args)
    {
        if (!logger.IsEnabled(level))
        {
            return;
        }

        var text = args.Length == 0 ? format : string.Format(CultureInfo.InvariantCulture, format, args);
#pragma warning disable CA2254 // DbUp hands over pre-formatted text
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (ex is null && lines.Length <= 1)
        {
            logger.Log(level, "DbUp: {Message}", text);
            return;
        }

        // DbUp formats exceptions, stack trace included, into its error text: the console gets the first line, the
        // log file the whole story (the failed command still ends with its own one-line error).
        logger.Log(level, "DbUp: {Message}", lines.Length == 0 ? ex?.Message : lines[0]);
        using (logger.BeginScope(new Dictionary<string, object> { [FileOnly] = true }))
        {
            logger.Log(level, ex, "DbUp: {Message}", text);
        }
#pragma warning restore CA2254
    }
}
