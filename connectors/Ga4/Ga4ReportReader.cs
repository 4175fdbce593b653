using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Pipeline.Connectors.Paging;
using Pipeline.Connectors.Streams;
using Pipeline.Connectors.Strings;
using Pipeline.Connectors.Values;

namespace Pipeline.Connectors.Ga4;

/// <summary>
/// Reads one report for a date window, page by page (limit/offset until <c>rowCount</c>), turning GA4's string
/// values into typed rows. A row that does not parse becomes a reject with its raw values; the rest still load.
/// </summary>
internal sealed class Ga4ReportReader(Ga4Connection connection, Ga4Report report, StreamSyncSettings settings, int pageSize) : IStreamReader
{
    public StreamDescriptor Stream => report.Stream;

    public StreamSyncSettings Settings => settings;

    public async IAsyncEnumerable<RecordBatch> ReadAsync(StreamReadRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.From is not { } from || request.To is not { } to)
        {
            throw new ArgumentException($"ga4.{report.Name} is a report stream and needs a date window", nameof(request));
        }

        var dimensions = new List<Ga4Name> { new("date") };
        dimensions.AddRange(report.Dimensions.Select(d => new Ga4Name(d)));
        var metrics = report.Metrics.Select(m => new Ga4Name(m.ApiName)).ToList();
        var range = new Ga4DateRange(from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

        var pages = Pager.ByRowCountAsync(
            (offset, limit, ct) => connection.RunReportAsync(
                new RunReportRequest { Dimensions = dimensions, Metrics = metrics, DateRanges = [range], Limit = limit, Offset = offset },
                ct),
            page => page.Rows.Count,
            page => page.RowCount,
            pageSize,
            cancellationToken);
        // Channels, sources, devices, countries repeat on every row: one string each while rows wait to load. One
        // per dimension, so a dimension whose values never repeat (a landing page with its click id) stops sharing alone.
        var strings = report.Dimensions.Select(_ => new SharedStrings()).ToArray();
        await foreach (var page in pages)
        {
            foreach (var batch in ToBatches(page, strings))
            {
                yield return batch;
            }
        }
    }

    /// <summary>
    /// The page's rows typed, in slices of at most <see cref="RecordBatch.MaxRows"/>. Each slice is built only when
    /// asked for, so the typed copies of a 25,000-row page are never all alive at once.
    /// </summary>
    private IEnumerable<RecordBatch> ToBatches(RunReportResponse page, SharedStrings[] strings)
    {
        var metricIndex = MetricPositions(page);
        for (var start = 0; start < page.Rows.Count; start += RecordBatch.MaxRows)
        {
            yield return ToBatch(page, metricIndex, start, Math.Min(page.Rows.Count, start + RecordBatch.MaxRows), strings);
        }
    }

    private RecordBatch ToBatch(RunReportResponse page, int[] metricIndex, int start, int end, SharedStrings[] strings)
    {
        var fields = report.Stream.Fields;
        var meta = page.Metadata;
        object?[] responseValues =
        [
            meta?.CurrencyCode,
            meta?.TimeZone,
            meta?.DataLossFromOtherRow ?? false,
            meta?.SamplingMetadatas is { Count: > 0 },
            meta?.SubjectToThresholding ?? false,
        ];
        var rows = new List<object?[]>(end - start);
        var rejects = new List<RejectedRecord>();
        for (var r = start; r < end; r++)
        {
            var row = page.Rows[r];
            var values = new object?[fields.Count];
            var problem = Fill(row, values, metricIndex, strings);
            if (problem is not null)
            {
                rejects.Add(new RejectedRecord(problem, Raw(row)));
                continue;
            }

            Array.Copy(responseValues, 0, values, fields.Count - responseValues.Length, responseValues.Length);
            rows.Add(values);
        }

        return new RecordBatch(rows, rejects);
    }

    /// <summary>Where each requested metric sits in the response (GA4 keeps request order, but headers are the contract).</summary>
    private int[] MetricPositions(RunReportResponse page)
    {
        var positions = new int[report.Metrics.Count];
        for (var i = 0; i < report.Metrics.Count; i++)
        {
            positions[i] = page.MetricHeaders.Count == 0 ? i : IndexOf(page.MetricHeaders, report.Metrics[i].ApiName);
            if (positions[i] < 0)
            {
                throw new Ga4ResponseException($"ga4.{report.Name}: response has no metric header '{report.Metrics[i].ApiName}'");
            }
        }

        return positions;
    }

    private static int IndexOf(IReadOnlyList<MetricHeader> headers, string name)
    {
        for (var i = 0; i < headers.Count; i++)
        {
            if (headers[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }

    private string? Fill(ReportRow row, object?[] values, int[] metricIndex, SharedStrings[] strings)
    {
        if (row.DimensionCount != report.Dimensions.Count + 1)
        {
            return $"row has {row.DimensionCount} dimension values, expected {report.Dimensions.Count + 1}";
        }

        if (!row.TryGetDimension(0, out var dateUtf8) || !TryParseDay(dateUtf8, out var day))
        {
            return $"date '{row.Dimension(0)}' is not yyyyMMdd";
        }

        values[0] = SharedBoxes.Day(day);
        for (var d = 0; d < report.Dimensions.Count; d++)
        {
            values[1 + d] = row.TryGetDimension(1 + d, out var utf8) ? strings[d].Get(utf8) : "";
        }

        var offset = 1 + report.Dimensions.Count;
        for (var m = 0; m < report.Metrics.Count; m++)
        {
            var metric = report.Metrics[m];
            ReadOnlySpan<byte> raw = default;
            var present = metricIndex[m] < row.MetricCount && row.TryGetMetric(metricIndex[m], out raw);
            if (!TryParse(present, raw, metric.Type, out var value))
            {
                return $"metric {metric.ApiName} value '{(present ? Encoding.UTF8.GetString(raw) : "")}' is not a {metric.Type}";
            }

            values[offset + m] = value;
        }

        return null;
    }

    /// <summary>GA4's <c>date</c> dimension, yyyyMMdd, read from its UTF-8 bytes (no string per row): eight digits of a real day.</summary>
    internal static bool TryParseDay(ReadOnlySpan<byte> utf8, out DateOnly day)
    {
        day = default;
        if (utf8.Length != 8)
        {
            return false;
        }

        var number = 0;
        foreach (var b in utf8)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            number = (number * 10) + (b - '0');
        }

        var (year, month, dayOfMonth) = (number / 10000, number / 100 % 100, number % 100);
        if (year < 1 || month is < 1 or > 12 || dayOfMonth < 1 || dayOfMonth > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        day = new DateOnly(year, month, dayOfMonth);
        return true;
    }

    /// <summary>A metric's UTF-8 text typed (the same rules as parsing its string: invariant culture, integers may come as "12.0" or "1e3").</summary>
    private static bool TryParse(bool present, ReadOnlySpan<byte> raw, Streams.FieldType type, out object? value)
    {
        value = null;
        if (!present)
        {
            return true;
        }

        switch (type)
        {
            case Streams.FieldType.Int64 when long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l):
                value = SharedBoxes.Count(l);
                return true;
            case Streams.FieldType.Int64 when double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == Math.Floor(d) && Math.Abs(d) < 9e15:
                value = SharedBoxes.Count((long)d); // "12.0" or "1e3" from a float-typed backend
                return true;
            case Streams.FieldType.Decimal when decimal.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var m):
                value = SharedBoxes.Amount(m);
                return true;
            case Streams.FieldType.Double when double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && double.IsFinite(f):
                value = f;
                return true;
            default:
                return false;
        }
    }

    private static string Raw(ReportRow row) => JsonSerializer.Serialize(row, Ga4Json.Default.ReportRow);
}

/// <summary>GA4 answered with something this connector cannot use.</summary>
public sealed class Ga4ResponseException : Exception
{
    public Ga4ResponseException(string message) : base(message) { }

    public Ga4ResponseException() { }

    public Ga4ResponseException(string message, Exception inner) : base(message, inner) { }
}
