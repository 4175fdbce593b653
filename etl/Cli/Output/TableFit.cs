using Spectre.Console;
using Spectre.Console.Rendering;

namespace Pipeline.Cli.Output;

/// <summary>
/// Whether a table fits the console without squeezing: Spectre.Console wraps cells of a table wider than the console,
/// which splits numbers and ids over lines. Commands measure first and pick a narrower layout instead.
/// </summary>
internal static class TableFit
{
    // Wide enough for any table we print; large values overflow Spectre's column arithmetic.
    private const int Unbounded = 100_000;

    /// <summary>The width the renderable needs to show every cell on one line.</summary>
    public static int NaturalWidth(IAnsiConsole console, IRenderable renderable)
    {
        var options = RenderOptions.Create(console, console.Profile.Capabilities);
        return renderable.Measure(options, Unbounded).Max;
    }

    public static bool Fits(IAnsiConsole console, IRenderable renderable) => NaturalWidth(console, renderable) <= console.Profile.Width;

    /// <summary>
    /// Writes at the natural width even when that is wider than the console (asked for with <c>--layout wide</c>):
    /// lines run past the edge, as in <c>less -S</c>, but no cell is wrapped.
    /// </summary>
    public static void WriteUnsqueezed(IAnsiConsole console, IRenderable renderable)
    {
        var natural = NaturalWidth(console, renderable);
        var width = console.Profile.Width;
        if (natural <= width)
        {
            console.Write(renderable);
            return;
        }

        console.Profile.Width = natural;
        try
        {
            console.Write(renderable);
        }
        finally
        {
            console.Profile.Width = width;
        }
    }
}
