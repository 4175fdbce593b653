using System.Globalization;
using Pipeline.Connectors.Streams;

namespace Pipeline.Connectors.Files;

/// <summary>Configuration section <c>Sources:Files</c>: a folder of CSV files (see <c>ops/examples/files/README.md</c>).</summary>
public sealed class FilesOptions : ISourceOptions
{
    public const string DefaultAccountId = "default";

    /// <summary>The folder holding <c>marketing_costs.csv</c>, <c>nps_responses.csv</c>, <c>kpi_targets.csv</c> and <c>fx_rates.csv</c>.</summary>
    public string? Folder { get; set; }

    /// <summary>What lands in <c>_account_id</c>.</summary>
    public string AccountId { get; set; } = DefaultAccountId;

    /// <summary>Rows (and rejects) per batch handed to the warehouse.</summary>
    public int BatchSize { get; set; } = 5000;

    public IEnumerable<OptionProblem> Validate()
    {
        if (string.IsNullOrWhiteSpace(Folder))
        {
            yield return new("Folder", "is required: the folder that holds the CSV files (marketing_costs.csv, nps_responses.csv, kpi_targets.csv, fx_rates.csv)");
        }
        else if (Folder.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            yield return new("Folder", $"'{Folder}' is not a valid path");
        }

        if (string.IsNullOrWhiteSpace(AccountId) || AccountId.Length > 100)
        {
            yield return new("AccountId", "must be 1 to 100 characters");
        }

        if (BatchSize is < 1 or > 100_000)
        {
            yield return new("BatchSize", string.Create(CultureInfo.InvariantCulture, $"{BatchSize} is outside 1..100000"));
        }
    }
}

/// <summary>Files settings that cannot work (no folder, a folder that does not exist).</summary>
public sealed class FilesConfigException : Exception
{
    public FilesConfigException(string message) : base(message) { }

    public FilesConfigException() { }

    public FilesConfigException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>A whole file cannot be read: its header (unknown, missing or repeated column), its encoding, an unclosed quote.</summary>
public sealed class FilesFormatException : Exception
{
    public FilesFormatException(string message) : base(message) { }

    public FilesFormatException() { }

    public FilesFormatException(string message, Exception inner) : base(message, inner) { }
}
