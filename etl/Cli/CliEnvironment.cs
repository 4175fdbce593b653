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

    public static CliEnvironment FromConsole() => new() { Out = Console.Out, Error = Console.Error };

    /// <summary>The console to prompt in, or null when there is no terminal to ask (redirected input or output).</summary>
    internal IAnsiConsole? PromptConsole() =>
        Prompts ?? (ReferenceEquals(Out, Console.Out) && !Console.IsInputRedirected && !Console.IsOutputRedirected ? AnsiConsole.Console : null);

    internal IAnsiConsole CreateConsole()
    {
        if (ReferenceEquals(Out, Console.Out) && !Console.IsOutputRedirected)
        {
            return AnsiConsole.Console;
        }

        // Captured or redirected output: plain text, and wide enough that keys and paths are not wrapped.
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Out),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 200;
        return console;
    }
}
