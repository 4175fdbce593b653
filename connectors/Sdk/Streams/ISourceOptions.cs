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
