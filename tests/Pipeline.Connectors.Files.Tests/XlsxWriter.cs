using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Pipeline.Connectors.Files.Tests;

/// <summary>
/// Writes small .xlsx workbooks for tests with the Open XML SDK, so no binary test file is committed. A row given as
/// null leaves a gap (no row element, as Excel writes an empty row); a DateTime becomes a date cell (a serial number
/// with the built-in date format 14), a double a number cell, a string an inline string.
/// </summary>
internal static class XlsxWriter
{
    public static void Write(string path, params (string Name, object?[]?[] Rows)[] sheets)
    {
        using var document = SpreadsheetDocument.Create(path, DocumentFormat.OpenXml.SpreadsheetDocumentType.Workbook);
        var workbook = document.AddWorkbookPart();
        workbook.Workbook = new Workbook();
        var styles = workbook.AddNewPart<WorkbookStylesPart>();
        styles.Stylesheet = new Stylesheet(
            new Fonts(new Font()),
            new Fills(new Fill(), new Fill()),
            new Borders(new Border()),
            new CellStyleFormats(new CellFormat()),
            new CellFormats(new CellFormat(), new CellFormat { NumberFormatId = 14, ApplyNumberFormat = true }));
        var list = workbook.Workbook.AppendChild(new Sheets());
        uint sheetId = 1;
        foreach (var (name, rows) in sheets)
        {
            var part = workbook.AddNewPart<WorksheetPart>();
            var data = new SheetData();
            for (var r = 0; r < rows.Length; r++)
            {
                if (rows[r] is not { } values)
                {
                    continue;
                }

                var row = new Row { RowIndex = (uint)(r + 1) };
                for (var c = 0; c < values.Length; c++)
                {
                    if (Cell(values[c], $"{(char)('A' + c)}{r + 1}") is { } cell)
                    {
                        row.Append(cell);
                    }
                }

                data.Append(row);
            }

            part.Worksheet = new Worksheet(data);
            list.Append(new Sheet { Id = workbook.GetIdOfPart(part), SheetId = sheetId++, Name = name });
        }
    }

    private static Cell? Cell(object? value, string reference) => value switch
    {
        null => null,
        string s => new Cell { CellReference = reference, DataType = CellValues.InlineString, InlineString = new InlineString(new Text(s)) },
        DateTime d => new Cell { CellReference = reference, CellValue = new CellValue(d.ToOADate()), StyleIndex = 1 },
        double n => new Cell { CellReference = reference, CellValue = new CellValue(n) },
        int n => new Cell { CellReference = reference, CellValue = new CellValue(n) },
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "a string, DateTime, double or int"),
    };
}
