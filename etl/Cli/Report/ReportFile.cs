using Pipeline.Warehouse;

namespace Pipeline.Cli.Report;

/// <summary>Reads the marts of a warehouse (any engine) and writes the HTML report, whole or not at all.</summary>
internal static class ReportFile
{
    /// <summary>Writes the report to <paramref name="outPath"/> and returns its full path.</summary>
    public static async Task<string> WriteAsync(IWarehouseReader reader, ReportRequest request, string outPath, CancellationToken cancellationToken)
    {
        var data = await new MartReportReader(reader).ReadAsync(request, cancellationToken);
        return await WriteAsync(HtmlReport.Render(data), outPath, cancellationToken);
    }

    /// <summary>Writes beside the target and renames over it, so a reader never sees half a report.</summary>
    public static async Task<string> WriteAsync(string html, string outPath, CancellationToken cancellationToken)
    {
        var target = Path.GetFullPath(outPath);
        var folder = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await File.WriteAllTextAsync(temporary, html, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), cancellationToken);
            File.Move(temporary, target, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }

        return target;
    }
}
