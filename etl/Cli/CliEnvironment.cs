using Spectre.Console;

namespace Pipeline.Cli;

/// <summary>Where a CLI invocation writes: the real console, or writers a test captures.</summary>
public sealed class CliEnvironment
{
    public required TextWriter Out { get; init; }

    public required TextWriter Error { get; init; }

    /// <summary>Folder holding the shipped appsettings.json.</summary>
    public string BaseDirectory { get; init; } = AppContext.BaseDirectory;

    /// <summary>Tests route log events to a writer instead of the process's stderr.</summary>
    public bool LogToErrorWriter { get; init; }

    /// <summary>Where <c>pipeline init</c> asks its questions; tests give a scripted console. Null: the terminal, if any.</summary>
    public IAnsiConsole? Prompts { get; init; }

    /// <summary>Columns tables may use when <see cref="Out"/> is not a terminal; null: 200.</summary>
    public int? Width { get; init; }

    /// <summary>
    /// Whether slow steps say on stderr that they are working (<see cref="Output.Feedback"/>): on for the process's own
    /// console, off by default for writers a test captures, whose stderr assertions must not depend on timing.
    /// </summary>
    public bool Feedback { get; init; }

    /// <summary>True when stderr is a terminal a spinner can draw on.</summary>
    internal bool ErrorIsTerminal => ReferenceEquals(Error, Console.Error) && !Console.IsErrorRedirected;

    public static CliEnvironment FromConsole() => new()
    {
        Out = Console.Out,
        Error = Console.Error,
        Feedback = true,
        Width = Console.IsOutputRedirected ? Output.TerminalWidth.FromColumns(Environment.GetEnvironmentVariable("COLUMNS")) : null,
    };

    /// <summary>The console to prompt in, or null when there is no terminal to ask (redirected input or output).</summary>
    internal IAnsiConsole? PromptConsole() =>
        Prompts ?? (ReferenceEquals(Out, Console.Out) && !Console.IsInputRedirected && !Console.IsOutputRedirected ? AnsiConsole.Console : null);

    internal IAnsiConsole CreateConsole()
    {
        if (ReferenceEquals(Out, Console.Out) && !Console.IsOutputRedirected)
        {
            return AnsiConsole.Console;
        }

        // Captured or redirected output: plain text, $COLUMNS wide when set, else wide enough that keys and paths are
        // not wrapped.
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Out),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = Width ?? Output.TerminalWidth.NoTerminal;
        return console;
    }
}
