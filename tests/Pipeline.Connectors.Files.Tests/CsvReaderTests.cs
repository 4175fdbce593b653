namespace Pipeline.Connectors.Files.Tests;

public sealed class CsvReaderTests
{
    private static async Task<List<CsvRecord>> ReadAll(string text, int max = CsvReader.DefaultMaxRecordChars)
    {
        var reader = new CsvReader(new StringReader(text), max);
        var records = new List<CsvRecord>();
        while (await reader.ReadAsync() is { } r)
        {
            records.Add(r);
        }

        return records;
    }

    [Test]
    public async Task Fields_quotes_and_line_numbers_follow_rfc_4180()
    {
        var records = await ReadAll("a,b,c\r\n\"x,1\",\"say \"\"hi\"\"\",\r\n\"multi\nline\r\nvalue\",,\"\"\n\nlast,\"\",z");

        Assert.That(records.Select(r => r.Line), Is.EqualTo(new[] { 1L, 2L, 3L, 7L }));
        Assert.That(records[0].Fields, Is.EqualTo(new[] { "a", "b", "c" }));
        Assert.That(records[1].Fields, Is.EqualTo(new[] { "x,1", "say \"hi\"", "" }));
        Assert.That(records[2].Fields, Is.EqualTo(new[] { "multi\nline\r\nvalue", "", "" }));
        Assert.That(records[3].Fields, Is.EqualTo(new[] { "last", "", "z" }), "no newline at the end is fine");
        Assert.That(records.Select(r => r.Error), Is.All.Null);
    }

    [Test]
    public async Task A_stray_quote_spoils_only_its_line()
    {
        var records = await ReadAll("a,b\n5\" screen,1\n\"x\"y,2\nok,3\n");

        Assert.That(records.Select(r => (r.Line, r.Error is null)), Is.EqualTo(new[] { (1L, true), (2L, false), (3L, false), (4L, true) }));
        Assert.That(records[1].Error, Does.Contain("quote inside an unquoted value"));
        Assert.That(records[2].Error, Does.Contain("text after a closing quote"));
        Assert.That(records[3].Fields, Is.EqualTo(new[] { "ok", "3" }));
    }

    [Test]
    public void A_quote_that_never_closes_or_a_huge_record_stops_the_file()
    {
        Assert.That(async () => await ReadAll("a,b\n\"open,1\n2,3\n"), Throws.InstanceOf<CsvFormatException>().With.Message.Contain("line 2").And.Message.Contain("never closed"));
        Assert.That(async () => await ReadAll("a,b\n" + new string('x', 100) + "\n", max: 50), Throws.InstanceOf<CsvFormatException>().With.Message.Contain("longer than 50"));
    }
}
