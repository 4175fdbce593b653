namespace Pipeline.Connectors.Files;

/// <summary>
/// One record of a file: where it starts (CSV: the physical line, 1-based; .xlsx: the sheet row), its fields as text,
/// which fields were typed spreadsheet cells (null for CSV), or why it could not be parsed.
/// </summary>
internal sealed record FileRecord(long Line, IReadOnlyList<string> Fields, string? Error, IReadOnlyList<bool>? Typed = null);

/// <summary>The records of one file, header first, read one at a time; a CSV file or one sheet of a workbook.</summary>
internal interface IFileRecords : IAsyncDisposable
{
    /// <summary>"line" for CSV, "row" for a sheet: how a reject names where its record is.</summary>
    string Unit { get; }

    /// <summary>The sheet read, or null for CSV.</summary>
    string? Sheet { get; }

    /// <exception cref="CsvFormatException">The file cannot be read past a point (an unclosed quote, a huge record, bad UTF-8).</exception>
    IAsyncEnumerable<FileRecord> ReadAsync(CancellationToken cancellationToken);

    /// <summary>The SHA-256 of the file as it was read, to compare with the one taken before.</summary>
    Task<string> FinishHashAsync(CancellationToken cancellationToken);
}

/// <summary>A file that cannot be read past a point (an unclosed quote, a huge record, an encoding that is not UTF-8, a missing sheet).</summary>
public sealed class CsvFormatException : Exception
{
    public CsvFormatException(string message) : base(message) { }

    public CsvFormatException() { }

    public CsvFormatException(string message, Exception inner) : base(message, inner) { }
}
