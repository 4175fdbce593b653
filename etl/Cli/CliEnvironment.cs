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

    public static CliEnvironment FromConsole() => new() { Out = Console.Out, Error = Console.Error };

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
