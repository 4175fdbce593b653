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

    /// <summary>Field separator of every CSV file, <c>,</c> or <c>;</c>; unset: detected from each file's header line.</summary>
    public string? Delimiter { get; set; }

    /// <summary>
    /// Culture whose number format (decimal separator, thousands separator) and short date pattern every file's text
    /// values are read with, e.g. <c>de-DE</c>; unset: <c>.</c> as decimal point, no thousands separators, ISO dates only.
    /// </summary>
    public string? Culture { get; set; }

    /// <summary>Where <c>marketing_costs</c> comes from, when not <c>marketing_costs.csv</c> with the settings above.</summary>
    public FileEntryOptions? MarketingCosts { get; set; }

    /// <summary>Where <c>nps_responses</c> comes from, when not <c>nps_responses.csv</c> with the settings above.</summary>
    public FileEntryOptions? NpsResponses { get; set; }

    /// <summary>Where <c>kpi_targets</c> comes from, when not <c>kpi_targets.csv</c> with the settings above.</summary>
    public FileEntryOptions? KpiTargets { get; set; }

    /// <summary>Where <c>fx_rates</c> comes from, when not <c>fx_rates.csv</c> with the settings above.</summary>
    public FileEntryOptions? FxRates { get; set; }

    /// <summary>The per-file section of a stream (by its config key), or null.</summary>
    internal (string Key, FileEntryOptions? Entry) EntryFor(string stream) => stream switch
    {
        "marketing_costs" => (nameof(MarketingCosts), MarketingCosts),
        "nps_responses" => (nameof(NpsResponses), NpsResponses),
        "kpi_targets" => (nameof(KpiTargets), KpiTargets),
        "fx_rates" => (nameof(FxRates), FxRates),
        _ => throw new ArgumentOutOfRangeException(nameof(stream), stream, "not a files stream"),
    };

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

        foreach (var problem in FileSettings.CheckDelimiter("Delimiter", Delimiter).Concat(FileSettings.CheckCulture("Culture", Culture)))
        {
            yield return problem;
        }

        foreach (var stream in FilesStreams.Names)
        {
            var (key, entry) = EntryFor(stream);
            foreach (var problem in entry?.Validate(key) ?? [])
            {
                yield return problem;
            }
        }
    }
}

/// <summary>
/// One file of the folder (<c>Sources:Files:MarketingCosts</c>, …): another name, an .xlsx sheet, or its own
/// delimiter or culture. Unset keys fall back to the Files-wide ones.
/// </summary>
public sealed class FileEntryOptions
{
    /// <summary>The file, relative to <c>Folder</c>: <c>.csv</c>, or <c>.xlsx</c> for an Excel workbook.</summary>
    public string? Path { get; set; }

    /// <summary>For an .xlsx: the sheet to read (default: the first).</summary>
    public string? Sheet { get; set; }

    /// <summary>For a CSV: <c>,</c> or <c>;</c> (default: the Files-wide one, else detected).</summary>
    public string? Delimiter { get; set; }

    /// <summary>Culture of this file's text values (default: the Files-wide one).</summary>
    public string? Culture { get; set; }

    internal IEnumerable<OptionProblem> Validate(string key)
    {
        var xlsx = false;
        if (Path is not null)
        {
            var extension = System.IO.Path.GetExtension(Path);
            xlsx = FileSettings.IsWorkbook(Path);
            if (string.IsNullOrWhiteSpace(Path) || Path.IndexOfAny(System.IO.Path.GetInvalidPathChars()) >= 0)
            {
                yield return new($"{key}:Path", $"'{Path}' is not a valid file name");
            }
            else if (System.IO.Path.IsPathRooted(Path) || Path.Split('/', '\\').Contains(".."))
            {
                yield return new($"{key}:Path", $"'{Path}' must be a file inside Folder (a relative path without '..')");
            }
            else if (!xlsx && !string.Equals(extension, ".csv", StringComparison.OrdinalIgnoreCase))
            {
                yield return new($"{key}:Path", $"'{Path}' is neither a .csv nor an .xlsx file (.xls: save it as .xlsx)");
            }
        }

        if (Sheet is not null && (!xlsx || string.IsNullOrWhiteSpace(Sheet)))
        {
            yield return new($"{key}:Sheet", xlsx ? "must not be empty" : "only applies to an .xlsx Path");
        }

        if (Delimiter is not null && xlsx)
        {
            yield return new($"{key}:Delimiter", "only applies to a CSV file, not to an .xlsx");
        }

        foreach (var problem in FileSettings.CheckDelimiter($"{key}:Delimiter", Delimiter).Concat(FileSettings.CheckCulture($"{key}:Culture", Culture)))
        {
            yield return problem;
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
