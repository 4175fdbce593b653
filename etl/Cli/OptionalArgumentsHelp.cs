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

        output.Write(MarkOptional(buffer.ToString(), parseResult.CommandResult.Command));
        return code;
    }

    /// <summary>Rewrites the first column of the Commands and Arguments sections for optional arguments.</summary>
    internal static string MarkOptional(string help, Command command)
    {
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

        var lines = help.Split('\n').ToList();
        for (var start = 0; start < lines.Count; start++)
        {
            if (lines[start].Length > 0 && lines[start][0] != ' ' && lines[start].TrimEnd().EndsWith(':'))
            {
                var end = start + 1;
                while (end < lines.Count && lines[end].StartsWith("  ", StringComparison.Ordinal))
                {
                    end++;
                }

                Realign(lines, start + 1, end, labels);
                start = end - 1;
            }
        }

        return string.Join('\n', lines);
    }

    private static bool IsOptional(Argument argument) => argument.Arity.MinimumNumberOfValues == 0;

    private static string Required(Argument argument) => $"<{argument.HelpName ?? argument.Name}>";

    private static string Label(Argument argument) => !IsOptional(argument)
        ? Required(argument)
        : $"[{Required(argument)}{(argument.Arity.MaximumNumberOfValues > 1 ? "..." : "")}]";

    /// <summary>Two-column rows "  first  description", continuation lines indented to the description column.</summary>
    private static void Realign(List<string> lines, int start, int end, Dictionary<string, string> labels)
    {
        var rows = Enumerable.Range(start, end - start).Where(i => lines[i].Length > 2 && lines[i][2] != ' ').ToList();
        var firsts = rows.ToDictionary(i => i, i => FirstColumn(lines[i]));
        if (!firsts.Values.Any(labels.ContainsKey))
        {
            return;
        }

        var column = rows.Max(i => DescriptionStart(lines[i]));
        var renamed = firsts.ToDictionary(f => f.Key, f => labels.GetValueOrDefault(f.Value, f.Value));
        var newColumn = Math.Max(column, renamed.Values.Max(f => f.Length) + 4);
        var shift = new string(' ', newColumn - column);
        for (var i = start; i < end; i++)
        {
            if (renamed.TryGetValue(i, out var first))
            {
                var description = lines[i].Length > column ? lines[i][column..] : "";
                lines[i] = ("  " + first.PadRight(newColumn - 2) + description).TrimEnd();
            }
            else if (lines[i].Trim().Length > 0)
            {
                lines[i] = shift + lines[i];
            }
        }
    }

    private static string FirstColumn(string row)
    {
        var gap = row.IndexOf("  ", 2, StringComparison.Ordinal);
        return (gap < 0 ? row[2..] : row[2..gap]).TrimEnd();
    }

    private static int DescriptionStart(string row)
    {
        var gap = row.IndexOf("  ", 2, StringComparison.Ordinal);
        if (gap < 0)
        {
            return row.TrimEnd().Length + 2;
        }

        var start = gap;
        while (start < row.Length && row[start] == ' ')
        {
            start++;
        }

        return start;
    }
}
