using System.Globalization;

namespace Pipeline.Cli.Output;

/// <summary>
/// How wide tables may be when stdout is not a terminal (a pipe, a file): <c>$COLUMNS</c> when it holds a plausible
/// width, else 200 columns, so ids and paths in files and pipes (read by tools, pagers, mail) are not wrapped.
/// On a terminal Spectre.Console reads the terminal's real width instead.
/// </summary>
internal static class TerminalWidth
{
    public const int NoTerminal = 200;

    public static int FromColumns(string? columns) =>
        int.TryParse(columns, NumberStyles.None, CultureInfo.InvariantCulture, out var width) && width is >= 20 and <= 1000 ? width : NoTerminal;
}
