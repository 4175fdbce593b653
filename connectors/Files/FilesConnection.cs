using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
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
        Streams = [.. FileFormat.All.Select(f => new FileStreamReader(f, folder, options.BatchSize, logger))];
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
/// Reads one file. Unchanged since the committed cursor (same SHA-256): nothing is read. Changed: every line is read
/// again and each row carries the new <c>file_version</c>; a line that cannot be loaded becomes a reject with the
/// file name, line number and reason; a header that does not match the format fails the whole file.
/// </summary>
internal sealed class FileStreamReader(FileFormat format, string folder, int batchSize, ILogger logger) : IStreamReader
{
    public StreamDescriptor Stream => format.Stream;

    public StreamSyncSettings Settings { get; } = StreamSyncSettings.For(format.Stream);

    public async IAsyncEnumerable<RecordBatch> ReadAsync(StreamReadRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var path = Path.Combine(folder, format.FileName);
        if (!File.Exists(path))
        {
            logger.LogInformation("files: no {File} in {Folder}; nothing to load", format.FileName, folder);
            yield break;
        }

        var sha = await CsvFile.Sha256Async(path, cancellationToken);
        var previous = FileVersion.Parse(request.Cursor);
        if (previous is { } p && string.Equals(p.Sha256, sha, StringComparison.Ordinal))
        {
            logger.LogInformation("files: {File} is unchanged (SHA-256 {Sha}); not read again", format.FileName, sha[..12]);
            yield break;
        }

        var version = new FileVersion((previous?.Generation ?? 0) + 1, sha).ToString();
        await using var file = await Open(path, cancellationToken);
        var csv = new CsvReader(file.Text);
        var header = await NextAsync(csv, 1, cancellationToken);
        if (header is null)
        {
            // An empty file: nothing to load (there is no header to check).
            yield return new RecordBatch([]);
            yield break;
        }

        var map = MapHeader(header);
        var state = format.NewState();
        var rows = new List<object?[]>();
        var rejects = new List<RejectedRecord>();
        var lastLine = header.Line;
        while (await NextAsync(csv, lastLine, cancellationToken) is { } record)
        {
            lastLine = record.Line;
            var (row, reason) = ToRow(record, header, map, state, sha, version);
            if (row is not null)
            {
                rows.Add(row);
            }
            else
            {
                rejects.Add(Reject(record, header, reason!));
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
            throw new FilesFormatException($"{format.FileName} changed while it was being read; the next run reads it again");
        }

        // Always a last batch, even an empty one: a changed file was read in full.
        yield return new RecordBatch(rows, rejects);
    }

    private async Task<CsvFile> Open(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await CsvFile.OpenAsync(path, cancellationToken);
        }
        catch (CsvFormatException ex)
        {
            throw new FilesFormatException($"{format.FileName}: {ex.Message}", ex);
        }
    }

    private async Task<CsvRecord?> NextAsync(CsvReader csv, long lastLine, CancellationToken cancellationToken)
    {
        try
        {
            return await csv.ReadAsync(cancellationToken);
        }
        catch (CsvFormatException ex)
        {
            throw new FilesFormatException($"{format.FileName}: {ex.Message}", ex);
        }
        catch (DecoderFallbackException ex)
        {
            throw new FilesFormatException($"{format.FileName}: {CsvFile.DescribeDecoderError(lastLine)}", ex);
        }
    }

    /// <summary>For each column of the format, its position in the file (-1 when the file does not have it).</summary>
    private int[] MapHeader(CsvRecord header)
    {
        var expected = string.Join(", ", format.Columns.Select(c => c.Name + (c.Required ? "" : " (optional)")));
        if (header.Error is { } error)
        {
            throw new FilesFormatException($"{format.FileName} line {header.Line}: the header cannot be read: {error}");
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
                    ? string.Create(CultureInfo.InvariantCulture, $"{format.FileName}: header column {i + 1} has no name; the columns are {expected}")
                    : $"{format.FileName}: unknown column '{format.Redact(header.Fields[i].Trim())}'; the columns are {expected} (is the header row missing?)");
            }

            if (map[column] >= 0)
            {
                throw new FilesFormatException($"{format.FileName}: column '{format.Columns[column].Name}' appears twice in the header");
            }

            map[column] = i;
        }

        var missing = format.Columns.Where((c, i) => c.Required && map[i] < 0).Select(c => $"'{c.Name}'").ToList();
        if (missing.Count > 0)
        {
            throw new FilesFormatException($"{format.FileName}: missing required column{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)}; the columns are {expected}");
        }

        return map;
    }

    private (object?[]? Row, string? Reason) ToRow(CsvRecord record, CsvRecord header, int[] map, object? state, string sha, string version)
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
        for (var c = 0; c < map.Length; c++)
        {
            var raw = map[c] < 0 ? null : record.Fields[map[c]].Trim();
            values[c] = string.IsNullOrEmpty(raw) ? null : raw;
        }

        try
        {
            return ([.. format.Map(values, state), format.FileName, sha, record.Line, version], null);
        }
        catch (LineException ex)
        {
            return (null, ex.Message);
        }
    }

    private RejectedRecord Reject(CsvRecord record, CsvRecord header, string reason)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < record.Fields.Count; i++)
        {
            var name = i < header.Fields.Count ? FileFormat.Normalize(header.Fields[i]) : string.Create(CultureInfo.InvariantCulture, $"_extra_{i + 1}");
            values.TryAdd(name, format.Redact(record.Fields[i]));
        }

        var payload = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["file"] = format.FileName,
            ["line"] = record.Line,
            ["values"] = values,
        });
        return new RejectedRecord(string.Create(CultureInfo.InvariantCulture, $"{format.FileName} line {record.Line}: {Redact(reason, record.Fields)}"), payload);
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
