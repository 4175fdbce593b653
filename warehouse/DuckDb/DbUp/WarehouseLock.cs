using System.Text.RegularExpressions;

namespace Pipeline.Warehouse.DuckDb.DbUp;

/// <summary>Reads DuckDB's "Could not set lock on file" error, which names the process that holds the file.</summary>
internal static partial class WarehouseLock
{
    public static bool TryDescribe(string engineMessage, out string holder) => TryDescribe(engineMessage, out holder, out _);

    public static bool TryDescribe(string engineMessage, out string holder, out int? processId)
    {
        holder = "";
        processId = null;
        if (!engineMessage.Contains("Could not set lock on file", StringComparison.Ordinal))
        {
            return false;
        }

        var match = HolderPattern().Match(engineMessage);
        processId = match.Success && int.TryParse(match.Groups["pid"].Value, System.Globalization.CultureInfo.InvariantCulture, out var pid) ? pid : null;
        holder = match.Success
            ? $"process {match.Groups["pid"].Value} ({Path.GetFileName(match.Groups["exe"].Value)})"
            : "another process";
        return true;
    }

    [GeneratedRegex(@"lock is held in (?<exe>.+?) \(PID (?<pid>\d+)\)")]
    private static partial Regex HolderPattern();
}
