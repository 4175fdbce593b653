using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Pipeline.Connectors.Streams;

namespace Pipeline.Connectors.Files;

/// <summary>The configured folder; one reader per known file.</summary>
internal sealed class FilesConnection : ISourceConnection
{
    public FilesConnection(string folder, FilesOptions options, ILogger logger)
    {
        AccountId = options.AccountId;
        Streams = [.. FileFormat.All.Select(f => new FileStreamReader(f, FileSettings.For(f, options), folder, options.BatchSize, logger))];
    }

    public string Source => FilesStreams.Source;

    public string AccountId { get; }

    public TimeZoneInfo TimeZone => TimeZoneInfo.Utc;

    public IReadOnlyList<IStreamReader> Streams { get; }

    public long ApiCalls => 0;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public override string ToString() => $"files account {AccountId}";
}

/// <summary>
/// The cursor of a file stream: <c>{generation:D10}:{sha256}</c>. The generation grows by one with every changed
/// version read, so the warehouse's "highest value wins" cursor always moves to the newest version.
/// </summary>
internal readonly record struct FileVersion(long Generation, string Sha256)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Generation:D10}:{Sha256}");

    public static FileVersion? Parse(string? cursor)
    {
        if (cursor is null || cursor.IndexOf(':', StringComparison.Ordinal) is not (var colon and > 0))
        {
            return null;
        }

        return long.TryParse(cursor.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var generation)
            ? new FileVersion(generation, cursor[(colon + 1)..])
            : null;
    }
}

/// <summary>
/// Reads one file (CSV, or a sheet of an .xlsx). Unchanged since the committed cursor (same SHA-256): nothing is read.
/// Changed: every line is read again and each row carries the new <c>file_version</c>; a line that cannot be loaded
/// becomes a reject naming the file, the line (sheet and row) and the reason; a header that does not match the format
/// fails the whole file. Two lines with the same key: the later one is kept and the earlier one is a reject naming
/// both lines. Keys are compared case-insensitively, so that needs a first pass over the file collecting, per key,
/// the last line that has it (the rows are not held: a file is read twice rather than buffered).
/// </summary>
internal sealed class FileStreamReader(FileFormat format, FileSettings settings, string folder, int batchSize, ILogger logger) : IStreamReader
{
    private readonly int[] keyFields = [.. format.Stream.PrimaryKey.Select(k => format.Stream.Fields.ToList().FindIndex(f => f.Name == k))];

    public StreamDescriptor Stream => format.Stream;

    public StreamSyncSettings Settings { get; } = StreamSyncSettings.For(format.Stream);

    public async IAsyncEnumerable<RecordBatch> ReadAsync(StreamReadRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var path = Path.Combine(folder, settings.FileName);
        if (!File.Exists(path))
        {
            logger.LogInformation("files: no {File} in {Folder}; nothing to load", settings.FileName, folder);
            yield break;
        }

        var sha = await CsvFile.Sha256Async(path, cancellationToken);
        var previous = FileVersion.Parse(request.Cursor);
        if (previous is { } p && string.Equals(p.Sha256, sha, StringComparison.Ordinal))
        {
            logger.LogInformation("files: {File} is unchanged (SHA-256 {Sha}); not read again", settings.FileName, sha[..12]);
            yield break;
        }

        var version = new FileVersion((previous?.Generation ?? 0) + 1, sha).ToString();
        var lastLineOfKey = format.KeysCanRepeat ? await LastLinesOfKeysAsync(path, sha, cancellationToken) : null;

        await using var file = await OpenAsync(path, cancellationToken);
        var where = settings.Describe(file.Sheet);
        await using var records = Records(file, cancellationToken).GetAsyncEnumerator(cancellationToken);
        if (!await records.MoveNextAsync())
        {
            // An empty file: nothing to load (there is no header to check).
            yield return new RecordBatch([]);
            yield break;
        }

        var header = records.Current;
        var map = MapHeader(header, where, file.Unit);
        var context = new LineContext(settings.Culture, format.NewState());
        var rows = new List<object?[]>();
        var rejects = new List<RejectedRecord>();
        while (await records.MoveNextAsync())
        {
            var record = records.Current;
            var (row, reason) = ToRow(record, header, map, context, sha, version);
            if (row is not null && lastLineOfKey is not null && lastLineOfKey.TryGetValue(KeyOf(row), out var kept) && kept != record.Line)
            {
                reason = string.Create(CultureInfo.InvariantCulture, $"duplicate primary key {DescribeKey(row)}: {file.Unit} {kept} has the same key and is kept");
                row = null;
            }

            if (row is not null)
            {
                rows.Add(row);
            }
            else
            {
                rejects.Add(Reject(record, header, reason!, file));
            }

            if (rows.Count + rejects.Count >= batchSize)
            {
                yield return new RecordBatch(rows, rejects);
                rows = [];
                rejects = [];
            }
        }

        var read = await file.FinishHashAsync(cancellationToken);
        if (!string.Equals(read, sha, StringComparison.Ordinal))
        {
            // The batches already yielded are rolled back with the window.
            throw new FilesFormatException($"{settings.FileName} changed while it was being read; the next run reads it again");
        }

        // Always a last batch, even an empty one: a changed file was read in full.
        yield return new RecordBatch(rows, rejects);
    }

    /// <summary>
    /// First pass: for every key of a loadable line, the last line that has it. Lines that are rejected for another
    /// reason do not count. Errors that stop the file surface here already, with the same messages.
    /// </summary>
    private async Task<Dictionary<string, long>> LastLinesOfKeysAsync(string path, string sha, CancellationToken cancellationToken)
    {
        var last = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var file = await OpenAsync(path, cancellationToken);
        await using var records = Records(file, cancellationToken).GetAsyncEnumerator(cancellationToken);
        if (!await records.MoveNextAsync())
        {
            return last;
        }

        var header = records.Current;
        var map = MapHeader(header, settings.Describe(file.Sheet), file.Unit);
        var context = new LineContext(settings.Culture, format.NewState());
        while (await records.MoveNextAsync())
        {
            if (ToRow(records.Current, header, map, context, sha, "").Row is { } row)
            {
                last[KeyOf(row)] = records.Current.Line;
            }
        }

        return last;
    }

    /// <summary>A row's key as compared: text case-insensitively (values are already trimmed).</summary>
    private string KeyOf(object?[] row) =>
        string.Join('\u001f', keyFields.Select(i => row[i] switch
        {
            string s => s.ToLowerInvariant(),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            var other => other?.ToString() ?? "",
        }));

    /// <summary>(2026-10-01, audio, podcast): a row's key values as a reject quotes them ('' for an empty one).</summary>
    private string DescribeKey(object?[] row) =>
        "(" + string.Join(", ", keyFields.Select(i => row[i] switch
        {
            "" => "''",
            DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            var other => format.Redact(other?.ToString()) ?? "",
        })) + ")";

    private async Task<IFileRecords> OpenAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            if (settings.Workbook)
            {
                return XlsxRecords.Open(path, settings.Sheet, IsDateColumn);
            }

            var delimiter = settings.Delimiter ?? FileSettings.DetectDelimiter(await FileSettings.ReadHeaderLineAsync(path, cancellationToken));
            return new CsvRecords(await CsvFile.OpenAsync(path, cancellationToken), delimiter);
        }
        catch (CsvFormatException ex)
        {
            throw new FilesFormatException($"{settings.FileName}: {ex.Message}", ex);
        }
    }

    /// <summary>Whether a header names a date column of the format (a spreadsheet's serial day numbers there are dates).</summary>
    private bool IsDateColumn(string header)
    {
        var name = FileFormat.Normalize(header);
        var column = format.Columns.FirstOrDefault(c => c.Name == name || c.Aliases.Contains(name));
        return column is not null && format.Stream.Fields.Any(f => f.Name == column.Name && f.Type == FieldType.Date);
    }

    /// <summary>The file's records, with the errors that stop it named by the file (and sheet).</summary>
    private async IAsyncEnumerable<FileRecord> Records(IFileRecords file, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var e = file.ReadAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await e.MoveNextAsync())
                {
                    yield break;
                }
            }
            catch (CsvFormatException ex)
            {
                throw new FilesFormatException($"{settings.Describe(file.Sheet)}: {ex.Message}", ex);
            }

            yield return e.Current;
        }
    }

    /// <summary>For each column of the format, its position in the file (-1 when the file does not have it).</summary>
    private int[] MapHeader(FileRecord header, string where, string unit)
    {
        var expected = string.Join(", ", format.Columns.Select(c => c.Name + (c.Required ? "" : " (optional)")));
        if (header.Error is { } error)
        {
            throw new FilesFormatException(string.Create(CultureInfo.InvariantCulture, $"{where} {unit} {header.Line}: the header cannot be read: {error}"));
        }

        var map = Enumerable.Repeat(-1, format.Columns.Count).ToArray();
        for (var i = 0; i < header.Fields.Count; i++)
        {
            var name = FileFormat.Normalize(header.Fields[i]);
            var column = -1;
            for (var c = 0; c < format.Columns.Count; c++)
            {
                if (format.Columns[c].Name == name || format.Columns[c].Aliases.Contains(name))
                {
                    column = c;
                    break;
                }
            }

            if (column < 0)
            {
                throw new FilesFormatException(name.Length == 0
                    ? string.Create(CultureInfo.InvariantCulture, $"{where}: header column {i + 1} has no name; the columns are {expected}")
                    : $"{where}: unknown column '{format.Redact(header.Fields[i].Trim())}'; the columns are {expected} (is the header row missing?{DelimiterHint(header)})");
            }

            if (map[column] >= 0)
            {
                throw new FilesFormatException($"{where}: column '{format.Columns[column].Name}' appears twice in the header");
            }

            map[column] = i;
        }

        var missing = format.Columns.Where((c, i) => c.Required && map[i] < 0).Select(c => $"'{c.Name}'").ToList();
        if (missing.Count > 0)
        {
            throw new FilesFormatException($"{where}: missing required column{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)}; the columns are {expected}");
        }

        return map;
    }

    /// <summary>A header read as one column that holds the other delimiter: the configured Delimiter is probably wrong.</summary>
    private string DelimiterHint(FileRecord header) =>
        settings.Delimiter is { } d && header.Fields.Count == 1 && header.Fields[0].Contains(d == ',' ? ';' : ',', StringComparison.Ordinal)
            ? $" is Delimiter '{d}' right?"
            : "";

    private (object?[]? Row, string? Reason) ToRow(FileRecord record, FileRecord header, int[] map, LineContext context, string sha, string version)
    {
        if (record.Error is { } error)
        {
            return (null, error);
        }

        if (record.Fields.Count != header.Fields.Count)
        {
            return (null, string.Create(CultureInfo.InvariantCulture, $"has {record.Fields.Count} values, the header has {header.Fields.Count}"));
        }

        var values = new string?[map.Length];
        var typed = record.Typed is null ? null : new bool[map.Length];
        for (var c = 0; c < map.Length; c++)
        {
            var raw = map[c] < 0 ? null : record.Fields[map[c]].Trim();
            values[c] = string.IsNullOrEmpty(raw) ? null : raw;
            if (typed is not null && map[c] >= 0)
            {
                typed[c] = record.Typed![map[c]];
            }
        }

        context.Typed = typed;
        try
        {
            return ([.. format.Map(values, context), settings.FileName, sha, record.Line, version], null);
        }
        catch (LineException ex)
        {
            return (null, ex.Message);
        }
    }

    private RejectedRecord Reject(FileRecord record, FileRecord header, string reason, IFileRecords file)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < record.Fields.Count; i++)
        {
            var name = i < header.Fields.Count ? FileFormat.Normalize(header.Fields[i]) : string.Create(CultureInfo.InvariantCulture, $"_extra_{i + 1}");
            values.TryAdd(name, format.Redact(record.Fields[i]));
        }

        var payload = new Dictionary<string, object?> { ["file"] = settings.FileName };
        if (file.Sheet is { } sheet)
        {
            payload["sheet"] = sheet;
        }

        payload["line"] = record.Line;
        payload["values"] = values;
        return new RejectedRecord(string.Create(CultureInfo.InvariantCulture, $"{settings.Describe(file.Sheet)} {file.Unit} {record.Line}: {Redact(reason, record.Fields)}"), JsonSerializer.Serialize(payload));
    }

    /// <summary>A reason quotes values; any the format keeps out of the warehouse (e-mail addresses) is replaced by its redaction.</summary>
    private string Redact(string reason, IReadOnlyList<string> fields)
    {
        foreach (var field in fields)
        {
            var value = field.Trim();
            if (value.Length > 0 && format.Redact(value) is { } redacted && !string.Equals(redacted, value, StringComparison.Ordinal))
            {
                reason = reason.Replace(value, redacted, StringComparison.Ordinal);
            }
        }

        return reason;
    }
}
