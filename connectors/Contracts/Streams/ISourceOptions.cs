namespace Pipeline.Connectors.Streams;

/// <summary>
/// A source's configuration section (<c>Sources:&lt;Name&gt;</c>). Shape errors (unknown keys, wrong types) are found
/// generically; this says what the values mean: required ids, ranges, combinations.
/// </summary>
public interface ISourceOptions
{
    /// <summary>Problems, each with the key relative to the section (e.g. <c>Properties:0:LookbackDays</c>).</summary>
    IEnumerable<OptionProblem> Validate();
}

public sealed record OptionProblem(string Key, string Message);

public static class SourceOptionsExtensions
{
    /// <summary>
    /// Throws the source's own configuration exception with every problem in one line, each key under
    /// <c>Sources:&lt;section&gt;</c>, so a source registered outside the CLI's config check fails just as clearly.
    /// </summary>
    public static void ThrowIfInvalid(this ISourceOptions options, string section, Func<string, Exception> exception)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(exception);
        var problems = options.Validate().ToList();
        if (problems.Count > 0)
        {
            throw exception($"{section} configuration: " + string.Join("; ", problems.Select(p => $"Sources:{section}:{p.Key}: {p.Message}")));
        }
    }
}
