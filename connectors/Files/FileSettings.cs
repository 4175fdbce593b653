using System.Globalization;
using Pipeline.Connectors.Streams;

namespace Pipeline.Connectors.Files;

/// <summary>
/// How one stream's file is read, resolved from <see cref="FilesOptions"/>: its name in the folder, CSV or .xlsx (and
/// which sheet), the CSV delimiter (null: detected from the header line) and the culture of its text values (null:
/// the invariant rules, '.' as decimal point and ISO dates).
/// </summary>
internal sealed record FileSettings(string FileName, string? Sheet, char? Delimiter, CultureInfo? Culture)
{
    public bool Workbook => IsWorkbook(FileName);

    /// <summary>"marketing_costs.csv", or "costs.xlsx sheet 'Q1'": how rejects and errors name the file.</summary>
    public string Describe(string? sheet) => sheet is null ? FileName : $"{FileName} sheet '{sheet}'";

    public static bool IsWorkbook(string path) =>
        Path.GetExtension(path).Equals(".xlsx", StringComparison.OrdinalIgnoreCase)
        || Path.GetExtension(path).Equals(".xlsm", StringComparison.OrdinalIgnoreCase);

    /// <summary>The settings of a format's file; the options are valid (checked before a source connects).</summary>
    public static FileSettings For(FileFormat format, FilesOptions options)
    {
        ArgumentNullException.ThrowIfNull(format);
        ArgumentNullException.ThrowIfNull(options);
        var (_, entry) = options.EntryFor(format.Stream.Name);
        var delimiter = entry?.Delimiter ?? options.Delimiter;
        var culture = entry?.Culture ?? options.Culture;
        return new FileSettings(
            entry?.Path ?? format.FileName,
            entry?.Sheet,
            delimiter is null ? null : delimiter[0],
            culture is null ? null : CultureInfo.GetCultureInfo(culture, predefinedOnly: true));
    }

    internal static IEnumerable<OptionProblem> CheckDelimiter(string key, string? delimiter)
    {
        if (delimiter is not null && delimiter is not ("," or ";"))
        {
            yield return new(key, $"'{delimiter}' is not a supported delimiter (use \",\" or \";\", or leave it out to detect it from the header line)");
        }
    }

    internal static IEnumerable<OptionProblem> CheckCulture(string key, string? culture)
    {
        if (culture is null)
        {
            yield break;
        }

        string? problem = null;
        try
        {
            if (string.IsNullOrWhiteSpace(culture) || CultureInfo.GetCultureInfo(culture, predefinedOnly: true).Equals(CultureInfo.InvariantCulture))
            {
                problem = "must name a culture such as de-DE or en-US (leave it out for '.' as decimal point)";
            }
        }
        catch (CultureNotFoundException)
        {
            problem = $"'{culture}' is not a known culture (e.g. de-DE, fr-FR, en-US)";
        }

        if (problem is not null)
        {
            yield return new(key, problem);
        }
    }

    /// <summary>
    /// The delimiter of a CSV file by its header line: ';' when the line has more semicolons than commas outside
    /// quotes, ',' otherwise. Header names never hold either character, so the header decides unambiguously, while a
    /// data line such as <c>1,5;2</c> could not.
    /// </summary>
    public static char DetectDelimiter(string headerLine)
    {
        ArgumentNullException.ThrowIfNull(headerLine);
        int commas = 0, semicolons = 0;
        var quoted = false;
        foreach (var c in headerLine)
        {
            switch (c)
            {
                case '"':
                    quoted = !quoted;
                    break;
                case ',' when !quoted:
                    commas++;
                    break;
                case ';' when !quoted:
                    semicolons++;
                    break;
            }
        }

        return semicolons > commas ? ';' : ',';
    }

    /// <summary>The file's first non-blank line (at most 64 KiB of it), UTF-8, without a byte order mark.</summary>
    public static async Task<string> ReadHeaderLineAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = CsvFile.OpenRead(path);
        var buffer = new byte[64 * 1024];
        var n = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
        // Lenient decoding: this only counts separators; the reader itself refuses text that is not UTF-8.
        var text = System.Text.Encoding.UTF8.GetString(buffer, 0, n).TrimStart('\uFEFF');
        foreach (var line in text.Split('\n'))
        {
            if (line.Trim().Length > 0)
            {
                return line;
            }
        }

        return "";
    }
}
