using System.Globalization;
using System.Runtime.CompilerServices;
using ExcelDataReader;

namespace Pipeline.Connectors.Files;

/// <summary>
/// One sheet of an .xlsx workbook through ExcelDataReader: the lightest well-kept reader (no dependencies, reads the
/// sheet row by row instead of loading the workbook into an object model as ClosedXML does; the code-page encodings it
/// needs only for the old binary .xls are not used here). The first non-blank row is the header; blank rows are
/// skipped; <see cref="FileRecord.Line"/> is the sheet's row number. Typed cells become invariant text: a date cell,
/// or a whole number in a date column (Excel's serial day, e.g. 46296), as yyyy-MM-dd, a number as its decimal.
/// </summary>
internal sealed class XlsxRecords(string path, string? sheet, Func<string, bool> isDateColumn) : IFileRecords
{
    private readonly FileStream stream = CsvFile.OpenRead(path);
    private IExcelDataReader? reader;

    public string Unit => "row";

    public string? Sheet { get; private set; } = sheet;

    public async IAsyncEnumerable<FileRecord> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var excel = Open();
        bool[]? dates = null;
        var width = 0;
        long row = 0;
        while (Read(excel))
        {
            cancellationToken.ThrowIfCancellationRequested();
            row++;
            var cells = new object?[excel.FieldCount];
            for (var i = 0; i < cells.Length; i++)
            {
                cells[i] = excel.GetValue(i) is DBNull ? null : excel.GetValue(i);
            }

            var last = Array.FindLastIndex(cells, c => c is not null && !(c is string s && s.Trim().Length == 0));
            if (last < 0)
            {
                continue; // a blank row
            }

            if (dates is null)
            {
                width = last + 1;
                dates = [.. cells.Take(width).Select(c => isDateColumn(Convert.ToString(c, CultureInfo.InvariantCulture) ?? ""))];
                yield return new FileRecord(row, [.. cells.Take(width).Select(c => Text(c, false))], null);
                continue;
            }

            var count = Math.Max(width, last + 1);
            var fields = new string[count];
            var typed = new bool[count];
            for (var i = 0; i < count; i++)
            {
                var cell = i < cells.Length ? cells[i] : null;
                fields[i] = Text(cell, i < width && dates[i]);
                typed[i] = cell is double or int or long or decimal or DateTime or bool;
            }

            yield return new FileRecord(row, fields, null, typed);
        }

        await Task.CompletedTask;
    }

    /// <summary>The workbook is read once; its hash is taken again from the file to see that it did not change meanwhile.</summary>
    public Task<string> FinishHashAsync(CancellationToken cancellationToken) => CsvFile.Sha256Async(path, cancellationToken);

    public ValueTask DisposeAsync()
    {
        reader?.Dispose();
        return stream.DisposeAsync();
    }

    private IExcelDataReader Open()
    {
        try
        {
            reader = ExcelReaderFactory.CreateOpenXmlReader(stream);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new CsvFormatException($"the file cannot be read as an .xlsx workbook ({ex.Message}); save it from Excel as .xlsx, or as CSV UTF-8", ex);
        }

        var names = new List<string>();
        do
        {
            names.Add(reader.Name);
            if (Sheet is null || string.Equals(reader.Name, Sheet, StringComparison.OrdinalIgnoreCase))
            {
                Sheet = reader.Name;
                return reader;
            }
        }
        while (reader.NextResult());

        throw new CsvFormatException($"the workbook has no sheet '{Sheet}' (its sheets: {string.Join(", ", names.Select(n => $"'{n}'"))})");
    }

    private static bool Read(IExcelDataReader excel)
    {
        try
        {
            return excel.Read();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new CsvFormatException($"the sheet cannot be read ({ex.Message})", ex);
        }
    }

    /// <summary>A cell as the text the formats parse; numbers and dates in the invariant notation.</summary>
    private static string Text(object? cell, bool dateColumn) => cell switch
    {
        null => "",
        string s => s,
        DateTime d when d.TimeOfDay == TimeSpan.Zero => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime d => d.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        double n when dateColumn && n == Math.Floor(n) && n is >= 1 and <= 2958465 =>
            DateTime.FromOADate(n).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        double n => Number(n),
        bool b => b ? "TRUE" : "FALSE",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => cell.ToString() ?? "",
    };

    /// <summary>A double as the decimal Excel shows (15 significant digits), so 0.1 + 0.2 reads as 0.3, not 0.30000000000000004.</summary>
    private static string Number(double n)
    {
        try
        {
            return ((decimal)n).ToString(CultureInfo.InvariantCulture);
        }
        catch (OverflowException)
        {
            return n.ToString("R", CultureInfo.InvariantCulture);
        }
    }
}
