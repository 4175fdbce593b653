using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using ExcelDataReader;

namespace Pipeline.Connectors.Files;

/// <summary>
/// One sheet of an .xlsx workbook through ExcelDataReader: the lightest well-kept reader (no dependencies, reads the
/// sheet row by row instead of loading the workbook into an object model as ClosedXML does; the code-page encodings it
/// needs only for the old binary .xls are not used here). The first non-blank row is the header; blank rows are
/// skipped; <see cref="FileRecord.Line"/> is the sheet's row number. Typed cells become invariant text: a date cell,
/// or a whole number in a date column (Excel's serial day, e.g. 46296), as yyyy-MM-dd, a number as its decimal.
/// </summary>
internal sealed class XlsxRecords : IFileRecords
{
    private readonly string path;
    private readonly FileStream stream;
    private readonly IExcelDataReader excel;
    private readonly Func<string, bool> isDateColumn;

    static XlsxRecords()
    {
        // ExcelDataReader's configuration defaults its fallback encoding (for .xls and CSV) to Windows-1252, which
        // .NET only knows once the code-page provider is registered; without it even opening an .xlsx throws.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
    }

    private XlsxRecords(string path, FileStream stream, IExcelDataReader excel, Func<string, bool> isDateColumn)
    {
        this.path = path;
        this.stream = stream;
        this.excel = excel;
        this.isDateColumn = isDateColumn;
        Sheet = excel.Name;
    }

    public string Unit => "row";

    public string? Sheet { get; }

    /// <summary>Opens the workbook at the sheet named (any case), or at the first sheet.</summary>
    /// <exception cref="CsvFormatException">Not a readable .xlsx, or no such sheet.</exception>
    public static XlsxRecords Open(string path, string? sheet, Func<string, bool> isDateColumn)
    {
        var stream = CsvFile.OpenRead(path);
        IExcelDataReader? excel = null;
        try
        {
            try
            {
                excel = ExcelReaderFactory.CreateOpenXmlReader(stream);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw new CsvFormatException($"the file cannot be read as an .xlsx workbook ({ex.Message}); save it from Excel as .xlsx, or as CSV UTF-8", ex);
            }

            var names = new List<string>();
            do
            {
                names.Add(excel.Name);
                if (sheet is null || string.Equals(excel.Name, sheet, StringComparison.OrdinalIgnoreCase))
                {
                    return new XlsxRecords(path, stream, excel, isDateColumn);
                }
            }
            while (excel.NextResult());

            throw new CsvFormatException($"the workbook has no sheet '{sheet}' (its sheets: {string.Join(", ", names.Select(n => $"'{n}'"))})");
        }
        catch
        {
            excel?.Dispose();
            stream.Dispose();
            throw;
        }
    }

    public async IAsyncEnumerable<FileRecord> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
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
        excel.Dispose();
        return stream.DisposeAsync();
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
