using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using CsvHelper;
using CsvHelperException = CsvHelper.CsvFormatException;
using CsvHelperReader = CsvHelper.CsvReader;

namespace Pipeline.Connectors.Files;

/// <summary>
/// A CSV file read through CsvHelper (RFC 4180: quoted fields may hold separators, line breaks and doubled quotes).
/// CsvHelper rather than Sylvan.Data.Csv because it reports, per record, the physical line it starts on and what is
/// malformed about it (a stray quote, text after a closing quote, a quote never closed), which is what rejects need;
/// it reads as it goes, so a large file never sits in memory. The text comes from <see cref="CsvFile"/>, which checks
/// UTF-8 strictly and hashes the bytes read.
/// </summary>
internal sealed class CsvRecords(CsvFile file, char delimiter, int maxRecordBytes = CsvRecords.DefaultMaxRecordBytes) : IFileRecords
{
    /// <summary>A record larger than this stops the file: no real cost line is 16 MiB, a runaway quote is.</summary>
    public const int DefaultMaxRecordBytes = 16 << 20;

    public string Unit => "line";

    public string? Sheet => null;

    public async IAsyncEnumerable<FileRecord> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var malformed = new Dictionary<long, CsvMalformedReason>();
        var options = CsvReaderOptions.Default with
        {
            Separator = delimiter,
            HasHeader = false, // the header is checked here, against the format's columns
            TrackLineNumbers = true,
            TrimWhitespace = false,
            SkipEmptyLines = true,
            MaxRecordSize = maxRecordBytes,
            FieldCountMismatch = CsvFieldCountHandling.Allow, // a reject of its own, naming both counts
            MalformedData = CsvMalformedDataHandling.Recover,
            OnMalformedRecord = m => malformed[m.LineNumber] = m.Reason,
            DetectSeparatorHint = false,
        };
        await using var csv = CsvHelperReader.Create(file.Text, options, leaveOpen: true);
        long lastLine = 1;
        while (true)
        {
            bool more;
            try
            {
                more = await csv.ReadAsync(cancellationToken);
            }
            catch (CsvHelperException ex)
            {
                throw new CsvFormatException(string.Create(CultureInfo.InvariantCulture,
                    $"line {(ex.LineNumber > 0 ? ex.LineNumber : lastLine)}: the record cannot be read (larger than {maxRecordBytes} bytes, or a quote that is never closed?)"), ex);
            }
            catch (Exception ex) when (ex is DecoderFallbackException || ex.InnerException is DecoderFallbackException)
            {
                throw new CsvFormatException(CsvFile.DescribeDecoderError(lastLine), ex);
            }

            if (!more)
            {
                yield break;
            }

            var line = lastLine = csv.LineNumber;
            var fields = new string[csv.FieldCount];
            for (var i = 0; i < fields.Length; i++)
            {
                fields[i] = csv.GetString(i);
            }

            string? error = null;
            if (malformed.Remove(line, out var reason))
            {
                error = reason switch
                {
                    CsvMalformedReason.UnterminatedQuote => throw new CsvFormatException(string.Create(CultureInfo.InvariantCulture, $"line {line}: a quoted field is never closed (missing '\"')")),
                    CsvMalformedReason.TextAfterClosingQuote => "text after a closing quote (a quote inside a value must be doubled: \"\")",
                    _ => "a quote inside an unquoted value (quote the whole value and double the quote: \"\")",
                };
            }

            if (error is null && fields.Length == 1 && fields[0].Trim().Length == 0)
            {
                continue; // a line of spaces only
            }

            yield return new FileRecord(line, fields, error);
        }
    }

    public Task<string> FinishHashAsync(CancellationToken cancellationToken) => file.FinishHashAsync(cancellationToken);

    public ValueTask DisposeAsync() => file.DisposeAsync();
}
