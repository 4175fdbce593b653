using System.Globalization;
using System.Text;

namespace Pipeline.Connectors.Files;

/// <summary>One CSV record: the physical line it starts on (1-based), its fields, or why it could not be parsed.</summary>
internal sealed record CsvRecord(long Line, IReadOnlyList<string> Fields, string? Error);

/// <summary>
/// A streaming RFC 4180 reader: fields separated by commas, records by CRLF or LF (a lone CR too); a field in double
/// quotes may hold commas, line breaks and doubled quotes (<c>""</c>). Only one record is held in memory at a time.
/// A malformed record (a quote inside an unquoted field, text after a closing quote) is returned with an
/// <see cref="CsvRecord.Error"/> and reading resumes on the next line; blank lines are skipped.
/// </summary>
internal sealed class CsvReader(TextReader reader, int maxRecordChars = CsvReader.DefaultMaxRecordChars)
{
    public const int DefaultMaxRecordChars = 1 << 20;

    private const int Eof = -1, None = -2;
    private readonly char[] buffer = new char[16 * 1024];
    private readonly StringBuilder field = new();
    private int position, length, pending = None;
    private long line = 1;

    /// <summary>The next record, or null at the end of the input.</summary>
    /// <exception cref="CsvFormatException">A quoted field never ends, or a record exceeds the size limit.</exception>
    public async ValueTask<CsvRecord?> ReadAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var c = await NextAsync(cancellationToken);
            if (c == Eof)
            {
                return null;
            }

            if (c is '\r' or '\n')
            {
                await EndOfLineAsync(c, cancellationToken);
                continue; // blank line
            }

            pending = c;
            var record = await ReadRecordAsync(cancellationToken);
            if (record.Error is null && record.Fields.Count == 1 && record.Fields[0].Trim().Length == 0 && !record.Quoted)
            {
                continue; // a line of spaces only
            }

            return new CsvRecord(record.Line, record.Fields, record.Error);
        }
    }

    private async ValueTask<(long Line, List<string> Fields, string? Error, bool Quoted)> ReadRecordAsync(CancellationToken cancellationToken)
    {
        var start = line;
        var fields = new List<string>();
        var chars = 0;
        var anyQuoted = false;
        field.Clear();
        while (true)
        {
            // At the start of a field.
            var c = await NextAsync(cancellationToken);
            if (c == '"')
            {
                anyQuoted = true;
                while (true)
                {
                    c = await NextAsync(cancellationToken);
                    if (c == Eof)
                    {
                        throw new CsvFormatException(string.Create(CultureInfo.InvariantCulture, $"line {start}: a quoted field is never closed (missing '\"')"));
                    }

                    if (c == '"')
                    {
                        var next = await NextAsync(cancellationToken);
                        if (next == '"')
                        {
                            Append('"', ref chars, start);
                            continue;
                        }

                        c = next;
                        break;
                    }

                    if (c == '\r' || c == '\n')
                    {
                        // A line break inside quotes is part of the value; CRLF counts as one line.
                        if (c == '\r')
                        {
                            var next = await NextAsync(cancellationToken);
                            if (next != '\n')
                            {
                                pending = next;
                            }

                            Append('\r', ref chars, start);
                            if (next == '\n')
                            {
                                Append('\n', ref chars, start);
                            }
                        }
                        else
                        {
                            Append('\n', ref chars, start);
                        }

                        line++;
                        continue;
                    }

                    Append((char)c, ref chars, start);
                }

                // After the closing quote: a separator, the end of the line or the end of the input.
                if (c is not (',' or '\r' or '\n' or Eof))
                {
                    await SkipLineAsync(c, cancellationToken);
                    return (start, fields, "text after a closing quote (a quote inside a value must be doubled: \"\")", anyQuoted);
                }
            }
            else
            {
                while (c is not (',' or '\r' or '\n' or Eof))
                {
                    if (c == '"')
                    {
                        await SkipLineAsync(c, cancellationToken);
                        return (start, fields, "a quote inside an unquoted value (quote the whole value and double the quote: \"\")", anyQuoted);
                    }

                    Append((char)c, ref chars, start);
                    c = await NextAsync(cancellationToken);
                }
            }

            fields.Add(field.ToString());
            field.Clear();
            if (c == ',')
            {
                continue;
            }

            if (c != Eof)
            {
                await EndOfLineAsync(c, cancellationToken);
            }

            return (start, fields, null, anyQuoted);
        }
    }

    private void Append(char c, ref int chars, long start)
    {
        if (++chars > maxRecordChars)
        {
            throw new CsvFormatException(string.Create(CultureInfo.InvariantCulture, $"line {start}: a record longer than {maxRecordChars} characters (a quote that is never closed?)"));
        }

        field.Append(c);
    }

    /// <summary>Consumes the rest of a malformed physical line (quotes no longer count).</summary>
    private async ValueTask SkipLineAsync(int c, CancellationToken cancellationToken)
    {
        while (c is not ('\r' or '\n' or Eof))
        {
            c = await NextAsync(cancellationToken);
        }

        if (c != Eof)
        {
            await EndOfLineAsync(c, cancellationToken);
        }

        field.Clear();
    }

    private async ValueTask EndOfLineAsync(int c, CancellationToken cancellationToken)
    {
        if (c == '\r')
        {
            var next = await NextAsync(cancellationToken);
            if (next != '\n')
            {
                pending = next;
            }
        }

        line++;
    }

    private async ValueTask<int> NextAsync(CancellationToken cancellationToken)
    {
        if (pending != None)
        {
            var p = pending;
            pending = None;
            return p;
        }

        if (position < length)
        {
            return buffer[position++];
        }

        length = await reader.ReadAsync(buffer.AsMemory(), cancellationToken);
        position = 0;
        return length == 0 ? Eof : buffer[position++];
    }
}

/// <summary>A CSV file that cannot be read past a point (an unclosed quote, a huge record, an encoding that is not UTF-8).</summary>
public sealed class CsvFormatException : Exception
{
    public CsvFormatException(string message) : base(message) { }

    public CsvFormatException() { }

    public CsvFormatException(string message, Exception inner) : base(message, inner) { }
}
