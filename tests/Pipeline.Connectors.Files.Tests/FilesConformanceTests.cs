using System.Globalization;

namespace Pipeline.Connectors.Files.Tests;

/// <summary>
/// The conformance kit's two shape cases for the Files source, which reads a folder rather than the sandbox: an
/// empty file (its header only) and files without their optional columns, through the real SyncRunner and DuckDB.
/// </summary>
public sealed class FilesConformanceTests
{
    /// <summary>A valid value for every column any format has, by header name.</summary>
    private static readonly Dictionary<string, string[]> Samples = new(StringComparer.Ordinal)
    {
        ["date"] = ["2025-03-01", "2025-03-02"],
        ["channel"] = ["podcast", "print"],
        ["campaign"] = ["spring", "summer"],
        ["cost"] = ["120.5", "80"],
        ["currency"] = ["EUR", "USD"],
        ["note"] = ["host read", "refund"],
        ["score"] = ["9", "3"],
        ["email"] = ["a@example.com", "b@example.com"],
        ["kpi"] = ["revenue", "leads"],
        ["period_start"] = ["2025-01-01", "2025-04-01"],
        ["period_end"] = ["2025-03-31", "2025-06-30"],
        ["target"] = ["250000", "1200"],
        ["segment"] = ["b2b", "b2c"],
        ["rate"] = ["0.92", "1.08"],
    };

    [Test]
    public async Task Conformance_an_empty_window_commits_zero_rows_and_advances_the_cursor()
    {
        await using var h = await FilesHarness.StartAsync();
        foreach (var format in FileFormat.All)
        {
            h.Write(format.FileName, Header(format.Columns));
        }

        var empty = await h.SyncOkAsync("r1");

        Assert.That(empty.Windows.Select(w => w.Stream), Is.EquivalentTo(FileFormat.All.Select(f => f.Stream.Name)), "every file was read");
        Assert.That(empty.Windows.Select(w => w.Result!.RowsRead), Is.All.Zero);
        Assert.That(await TotalRowsAsync(h), Is.Zero, "a header-only file loads nothing");
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM etl.rejected_records"), Is.Zero, "an empty file is not a malformed one");

        foreach (var format in FileFormat.All)
        {
            h.Write(format.FileName, [Header(format.Columns), .. Lines(format.Columns)]);
        }

        var full = await h.SyncOkAsync("r2");

        foreach (var format in FileFormat.All)
        {
            var stream = format.Stream;
            Assert.That(full.Window(stream.Name).Result!.RowsWritten, Is.EqualTo(2), stream.Name);
            var cursor = await h.ScalarAsync<string>("SELECT cursor_value FROM etl.sync_state WHERE source = 'files' AND stream = $stream", new { stream = stream.Name });
            var sha = await CsvFile.Sha256Async(Path.Combine(h.Folder, format.FileName), CancellationToken.None);
            Assert.That(cursor, Does.EndWith(":" + sha), $"{stream.Name}: the cursor moved to the file that has rows");
            Assert.That(await h.ScalarAsync<long>($"SELECT count(DISTINCT file_version) FROM staging.{stream.TableName} WHERE file_version = $cursor", new { cursor }), Is.EqualTo(1));
        }

        // The file emptied again (header only): the snapshot becomes empty, the run still succeeds.
        foreach (var format in FileFormat.All)
        {
            h.Write(format.FileName, Header(format.Columns));
        }

        await h.SyncOkAsync("r3");
        Assert.That(await TotalRowsAsync(h), Is.Zero, "an emptied file replaces what its previous version loaded");
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM etl.rejected_records"), Is.Zero);
    }

    [Test]
    public async Task Conformance_pages_without_their_optional_keys_still_load()
    {
        var optional = FileFormat.All.SelectMany(f => f.Columns.Where(c => !c.Required).Select(c => (Format: f, Column: c))).ToList();
        Assert.That(optional.Select(o => o.Column.Name), Is.SupersetOf(new[] { "campaign", "note", "email", "channel", "segment" }), "the formats' documented optional columns");
        await using var h = await FilesHarness.StartAsync();
        foreach (var format in FileFormat.All)
        {
            var required = format.Columns.Where(c => c.Required).ToList();
            h.Write(format.FileName, [Header(required), .. Lines(required)]);
        }

        var summary = await h.SyncOkAsync("r1");

        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM etl.rejected_records"), Is.Zero, "a missing optional column is not a malformed line");
        foreach (var format in FileFormat.All)
        {
            Assert.That(summary.Window(format.Stream.Name).Result!.RowsWritten, Is.EqualTo(2), format.FileName);
        }

        foreach (var (format, column) in optional)
        {
            var stream = format.Stream;
            // The NPS address lands only as its hash; the other optional columns keep their names.
            var field = stream.Fields.Single(f => f.Name == column.Name || f.Name == column.Name + "_sha256");
            // Non-nullable text keys (campaign, segment) take '' for "none", as an empty value does; the rest are NULL.
            var absent = field.Nullable ? $"{Quote(field.Name)} IS NULL" : $"{Quote(field.Name)} = ''";
            Assert.That(await h.ScalarAsync<long>($"SELECT count(*) FROM staging.{stream.TableName} WHERE {absent}"), Is.EqualTo(2),
                string.Create(CultureInfo.InvariantCulture, $"{format.FileName} without '{column.Name}': {field.Name} is {(field.Nullable ? "NULL" : "''")}"));
        }
    }

    private static string Header(IEnumerable<CsvColumn> columns) => string.Join(',', columns.Select(c => c.Name));

    private static string[] Lines(IReadOnlyList<CsvColumn> columns) =>
        [.. Enumerable.Range(0, 2).Select(i => string.Join(',', columns.Select(c => Samples[c.Name][i])))];

    private static string Quote(string name) => $"\"{name}\"";

    private static async Task<long> TotalRowsAsync(FilesHarness h)
    {
        long total = 0;
        foreach (var stream in FilesStreams.All)
        {
            total += await h.ScalarAsync<long>($"SELECT count(*) FROM staging.{stream.TableName}");
        }

        return total;
    }
}
