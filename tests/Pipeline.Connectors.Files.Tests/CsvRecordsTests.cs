namespace Pipeline.Connectors.Files.Tests;

/// <summary>The CsvHelper-based record reader: line numbers, malformed quotes, the delimiter rule.</summary>
public sealed class CsvRecordsTests
{
    private static async Task<List<FileRecord>> ReadAll(string text, char delimiter = ',', int maxRecordBytes = CsvRecords.DefaultMaxRecordBytes)
    {
        var path = Path.Combine(Path.GetTempPath(), "pipeline-files-tests", Guid.NewGuid().ToString("N") + ".csv");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, text, FilesHarness.Utf8NoBom);
        try
        {
            await using var records = new CsvRecords(await CsvFile.OpenAsync(path, CancellationToken.None), delimiter, maxRecordBytes);
            var all = new List<FileRecord>();
            await foreach (var r in records.ReadAsync(CancellationToken.None))
            {
                all.Add(r);
            }

            return all;
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public async Task Fields_quotes_and_line_numbers_follow_rfc_4180()
    {
        var records = await ReadAll("a,b,c\r\n\"x,1\",\"say \"\"hi\"\"\",\r\n\"multi\nline\r\nvalue\",,\"\"\n\n   \nlast,\"\",z");

        Assert.That(records.Select(r => r.Line), Is.EqualTo(new[] { 1L, 2L, 3L, 8L }), "blank lines and lines of spaces are skipped but counted");
        Assert.That(records[0].Fields, Is.EqualTo(new[] { "a", "b", "c" }));
        Assert.That(records[1].Fields, Is.EqualTo(new[] { "x,1", "say \"hi\"", "" }));
        Assert.That(records[2].Fields, Is.EqualTo(new[] { "multi\nline\r\nvalue", "", "" }));
        Assert.That(records[3].Fields, Is.EqualTo(new[] { "last", "", "z" }), "no newline at the end is fine");
        Assert.That(records.Select(r => r.Error), Is.All.Null);
    }

    [Test]
    public async Task A_stray_quote_spoils_only_its_line()
    {
        var records = await ReadAll("a;b\n5\" screen;1\n\"x\"y;2\nok;3,5\n", ';');

        Assert.That(records.Select(r => (r.Line, r.Error is null)), Is.EqualTo(new[] { (1L, true), (2L, false), (3L, false), (4L, true) }));
        Assert.That(records[1].Error, Does.Contain("quote inside an unquoted value"));
        Assert.That(records[2].Error, Does.Contain("text after a closing quote"));
        Assert.That(records[3].Fields, Is.EqualTo(new[] { "ok", "3,5" }));
    }

    [Test]
    public void A_quote_that_never_closes_or_a_huge_record_stops_the_file()
    {
        Assert.That(async () => await ReadAll("a,b\n\"open,1\n2,3\n"), Throws.InstanceOf<CsvFormatException>().With.Message.Contain("line 2").And.Message.Contain("never closed"));
        Assert.That(async () => await ReadAll("a,b\n1,2\n\"" + new string('x', 100_000) + "\",1\n", maxRecordBytes: 4096),
            Throws.InstanceOf<CsvFormatException>().With.Message.Contain("line 3: the record cannot be read (larger than 4096 bytes"));
    }

    [TestCase("date,channel,cost", ',')]
    [TestCase("date;channel;cost", ';')]
    [TestCase("\"a;b\",c", ',')]
    [TestCase("\"a,b\";c;d", ';')]
    [TestCase("single", ',')]
    public void The_header_line_decides_the_delimiter(string header, char expected) =>
        Assert.That(FileSettings.DetectDelimiter(header), Is.EqualTo(expected));
}
