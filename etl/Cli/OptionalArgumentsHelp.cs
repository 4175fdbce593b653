using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Globalization;

namespace Pipeline.Cli;

/// <summary>
/// System.CommandLine lists a subcommand with its arguments as <c>kpi &lt;kpi&gt;</c> and a command's own arguments as
/// <c>&lt;kpi&gt;</c> even when they are optional, which reads as required. This help action writes the library's
/// help and marks optional arguments the way its usage line does: <c>kpi [&lt;kpi&gt;...]</c>, columns re-aligned.
/// </summary>
internal sealed class OptionalArgumentsHelp(SynchronousCommandLineAction inner) : SynchronousCommandLineAction
{
    public static void Install(RootCommand root)
    {
        var help = root.Options.OfType<HelpOption>().Single();
        if (help.Action is SynchronousCommandLineAction inner)
        {
            help.Action = new OptionalArgumentsHelp(inner);
        }
    }

    public override int Invoke(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var config = parseResult.InvocationConfiguration;
        var output = config.Output;
        using var buffer = new StringWriter(CultureInfo.InvariantCulture);
        config.Output = buffer;
        int code;
        try
        {
            code = inner.Invoke(parseResult);
        }
        finally
        {
            config.Output = output;
        }

        output.Write(MarkOptional(buffer.ToString(), parseResult.CommandResult.Command, TerminalWidth(output)));
        return code;
    }

    /// <summary>
    /// Rewrites the first column of the Commands and Arguments sections for optional arguments, and re-wraps their
    /// descriptions to <paramref name="width"/> (null: the help was not wrapped, a pipe or a test).
    /// </summary>
    internal static string MarkOptional(string help, Command command, int? width = null)
    {
        ArgumentNullException.ThrowIfNull(help);
        ArgumentNullException.ThrowIfNull(command);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var sub in command.Subcommands.Where(c => !c.Hidden && c.Arguments.Any(IsOptional)))
        {
            var arguments = sub.Arguments.Where(a => !a.Hidden).ToList();
            labels[$"{sub.Name} {string.Join(' ', arguments.Select(Required))}"] = $"{sub.Name} {string.Join(' ', arguments.Select(Label))}";
        }

        foreach (var argument in command.Arguments.Where(a => !a.Hidden && IsOptional(a)))
        {
            labels[Required(argument)] = Label(argument);
        }

        if (labels.Count == 0)
        {
            return help;
        }

        var lines = help.Split('\n');
        var result = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            result.Add(lines[i]);
            if (lines[i].Length == 0 || lines[i][0] == ' ' || !lines[i].TrimEnd().EndsWith(':'))
            {
                continue;
            }

            var end = i + 1;
            while (end < lines.Length && lines[end].StartsWith("  ", StringComparison.Ordinal))
            {
                end++;
            }

            result.AddRange(Realign(lines[(i + 1)..end], labels, width));
            i = end - 1;
        }

        return string.Join('\n', result);
    }

    private static bool IsOptional(Argument argument) => argument.Arity.MinimumNumberOfValues == 0;

    private static string Required(Argument argument) => $"<{argument.HelpName ?? argument.Name}>";

    private static string Label(Argument argument) => !IsOptional(argument)
        ? Required(argument)
        : $"[{Required(argument)}{(argument.Arity.MaximumNumberOfValues > 1 ? "..." : "")}]";

    /// <summary>Two-column rows "  first  description", continuation lines indented to the description column.</summary>
    private static IEnumerable<string> Realign(string[] section, Dictionary<string, string> labels, int? width)
    {
        var entries = new List<(string First, List<string> Description)>();
        foreach (var line in section)
        {
            if (line.Length > 2 && line[2] != ' ')
            {
                var gap = line.IndexOf("  ", 2, StringComparison.Ordinal);
                var first = (gap < 0 ? line[2..] : line[2..gap]).TrimEnd();
                entries.Add((labels.GetValueOrDefault(first, first), [gap < 0 ? "" : line[gap..].Trim()]));
            }
            else if (entries.Count > 0)
            {
                entries[^1].Description.Add(line.Trim());
            }
        }

        if (entries.Count == 0 || !section.Any(l => labels.Keys.Any(k => l.StartsWith("  " + k + "  ", StringComparison.Ordinal))))
        {
            return section;
        }

        var column = entries.Max(e => e.First.Length) + 4;
        var wrap = width is { } w && w - column >= 20 ? w - column : int.MaxValue;
        var lines = new List<string>();
        foreach (var (first, description) in entries)
        {
            var wrapped = Wrap(string.Join(' ', description.Where(d => d.Length > 0)), wrap);
            lines.Add(("  " + first.PadRight(column - 2) + wrapped[0]).TrimEnd());
            lines.AddRange(wrapped.Skip(1).Select(l => new string(' ', column) + l));
        }

        return lines;
    }

    /// <summary>Words into lines of at most <paramref name="width"/> characters (a longer word gets a line of its own).</summary>
    private static List<string> Wrap(string text, int width)
    {
        var lines = new List<string> { "" };
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (lines[^1].Length == 0)
            {
                lines[^1] = word;
            }
            else if (lines[^1].Length + 1 + word.Length <= width)
            {
                lines[^1] += " " + word;
            }
            else
            {
                lines.Add(word);
            }
        }

        return lines;
    }

    /// <summary>The width System.CommandLine wrapped the help to: the terminal's, or none for a pipe or a test writer.</summary>
    private static int? TerminalWidth(TextWriter output)
    {
        if (!ReferenceEquals(output, Console.Out) || Console.IsOutputRedirected)
        {
            return null;
        }

        try
        {
            return Console.WindowWidth > 0 ? Console.WindowWidth : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
