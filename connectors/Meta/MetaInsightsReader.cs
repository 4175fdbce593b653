using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Pipeline.Connectors.Http;
using Pipeline.Connectors.Paging;
using Pipeline.Connectors.Streams;

namespace Pipeline.Connectors.Meta;

/// <summary>
/// Reads one daily insights stream for a date window. Short windows use the synchronous endpoint; long ones an
/// async report run (submit, poll with growing waits, page the result). When Meta asks for less data (code 1) or
/// a run fails or is skipped on every attempt, the time range is split in two and each half read on its own.
/// A single day that still fails is read one level lower (account → campaign → adset → ad) and added up to the
/// configured level (see <see cref="Aggregate"/>); only a day that fails at ad level fails the window.
/// Rows that do not parse become rejects with their raw JSON; the rest still load.
/// </summary>
internal sealed class MetaInsightsReader(MetaConnection connection, MetaInsightsReport report, StreamSyncSettings settings, MetaOptions options, ILogger logger)
    : IStreamReader
{
    private static readonly TimeSpan MaxPollInterval = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, int> index = report.Stream.Fields.Select((f, i) => (f.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);

    private MetaRowLayout layout => field ??= new MetaRowLayout(report, name => index[name]);

    /// <summary>
    /// Pages of this report, their rows typed while they are read. One per read: the row reader keeps scratch and
    /// shared strings, so two reads of one reader never share it.
    /// </summary>
    private JsonRows<MetaInsightsPage, MetaInsightsRow> NewPageRows() => MetaJson.InsightsRows(new MetaInsightsRowReader(layout, report.Stream.Fields.Count));

    public StreamDescriptor Stream => report.Stream;

    public StreamSyncSettings Settings => settings;

    public async IAsyncEnumerable<RecordBatch> ReadAsync(StreamReadRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.From is not { } from || request.To is not { } to || from > to)
        {
            throw new ArgumentException($"meta.{report.Name} is a report stream and needs a date window", nameof(request));
        }

        var query = new MetaInsightsQuery(report.Level, report.ApiFields, from, to, report.Breakdowns, report.AttributionWindows, options.PageSize);
        await foreach (var batch in ReadRangeAsync(query, NewPageRows(), cancellationToken))
        {
            yield return batch;
        }
    }

    private IAsyncEnumerable<RecordBatch> ReadRangeAsync(MetaInsightsQuery query, JsonRows<MetaInsightsPage, MetaInsightsRow> pageRows, CancellationToken cancellationToken) =>
        query.Days <= options.SyncMaxDays ? ReadSyncAsync(query, pageRows, cancellationToken) : ReadReportRunAsync(query, pageRows, cancellationToken);

    private async IAsyncEnumerable<RecordBatch> ReadSyncAsync(MetaInsightsQuery query, JsonRows<MetaInsightsPage, MetaInsightsRow> pageRows, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pages = Pager.ByCursorAsync(
            (after, ct) => connection.CallAsync((c, t) => c.GetInsightsAsync(connection.AccountId, query, after, pageRows, t), ct),
            page => MetaValues.NextCursor(page.Paging),
            null,
            cancellationToken);
        var yielded = false;
        MetaReduceDataException? tooMuch = null;
        await using (var e = pages.GetAsyncEnumerator(cancellationToken))
        {
            while (true)
            {
                try
                {
                    if (!await e.MoveNextAsync())
                    {
                        break;
                    }
                }
                catch (MetaReduceDataException ex) when (!yielded)
                {
                    tooMuch = ex;
                    break;
                }

                yielded = true;
                yield return ToBatch(e.Current);
            }
        }

        if (tooMuch is null)
        {
            yield break;
        }

        // One day that is still too much for the synchronous endpoint goes to an async run, which has no such limit.
        logger.LogWarning("meta.{Stream} {Account} {Range}: Meta asks for less data; {Next}",
            report.Name, connection.AccountId, Range(query), query.Days > 1 ? "splitting the range" : "using an async report run");
        var parts = query.Days > 1 ? Split(query).Select(h => ReadRangeAsync(h, pageRows, cancellationToken)) : [ReadReportRunAsync(query, pageRows, cancellationToken)];
        foreach (var part in parts)
        {
            await foreach (var batch in part)
            {
                yield return batch;
            }
        }
    }

    private async IAsyncEnumerable<RecordBatch> ReadReportRunAsync(MetaInsightsQuery query, JsonRows<MetaInsightsPage, MetaInsightsRow> pageRows, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? runId = null;
        var problems = new List<string>();
        for (var attempt = 1; attempt <= options.AsyncJobAttempts && runId is null; attempt++)
        {
            var (id, problem) = await RunReportAsync(query, cancellationToken);
            if (problem is null)
            {
                runId = id;
            }
            else
            {
                problems.Add(problem);
                logger.LogWarning("meta.{Stream} {Account} {Range}: report run attempt {Attempt} of {Attempts}: {Problem}",
                    report.Name, connection.AccountId, Range(query), attempt, options.AsyncJobAttempts, problem);
            }
        }

        if (runId is null)
        {
            if (query.Days == 1)
            {
                if (report.LowerLevel() is not { } lower)
                {
                    throw new MetaReportException(string.Create(CultureInfo.InvariantCulture,
                        $"meta.{report.Name} ad account {connection.AccountId} day {query.Since:yyyy-MM-dd} at level {report.Level}: the async report run did not complete on any of {options.AsyncJobAttempts} attempt(s) and there is no lower level to fall back to: {string.Join("; ", problems)}"));
                }

                await foreach (var batch in ReadLowerLevelAsync(query, lower, cancellationToken))
                {
                    yield return batch;
                }

                yield break;
            }

            logger.LogWarning("meta.{Stream} {Account} {Range}: splitting the time range after failed report runs", report.Name, connection.AccountId, Range(query));
            foreach (var half in Split(query))
            {
                await foreach (var batch in ReadRangeAsync(half, pageRows, cancellationToken))
                {
                    yield return batch;
                }
            }

            yield break;
        }

        var pages = Pager.ByCursorAsync(
            (after, ct) => connection.CallAsync((c, t) => c.GetReportRunInsightsAsync(runId, query.Limit, after, pageRows, t), ct),
            page => MetaValues.NextCursor(page.Paging),
            null,
            cancellationToken);
        await foreach (var page in pages)
        {
            yield return ToBatch(page);
        }
    }

    /// <summary>
    /// Reads one day that failed at the configured level one level lower (which may fall back further, down to ad)
    /// and adds the rows up to the configured level. Reach and frequency of such rows are null.
    /// </summary>
    private async IAsyncEnumerable<RecordBatch> ReadLowerLevelAsync(MetaInsightsQuery query, MetaInsightsReport lower, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        logger.LogWarning(
            "meta.{Stream} {Account} {Day}: no report at level {Level}; reading the day at level {LowerLevel} and adding it up. Reach and frequency are unavailable for that day ({Column} = true)",
            report.Name, connection.AccountId, query.Since.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), report.Level, lower.Level, MetaInsightsReport.ReachUnavailable);
        var reader = new MetaInsightsReader(connection, lower, settings, options, logger);
        var rows = new List<object?[]>();
        var rejects = new List<RejectedRecord>();
        await foreach (var batch in reader.ReadRangeAsync(query with { Level = lower.Level, Fields = lower.ApiFields }, reader.NewPageRows(), cancellationToken))
        {
            rows.AddRange(batch.Rows);
            rejects.AddRange(batch.Rejects);
        }

        yield return new RecordBatch(Aggregate(lower, rows), rejects);
    }

    /// <summary>
    /// Adds rows of <paramref name="lower"/>'s stream up to this report's key (day, account, the level's ids, every
    /// breakdown value). Counts, spend and every flattened action column are summed; the raw actions and
    /// action_values arrays are summed per action_type and per window (null when no row had one, or when a value is
    /// not a number). Names come from the first row of each group. Reach and frequency are null — reach counts
    /// people, who may have seen several ads — and <see cref="MetaInsightsReport.ReachUnavailable"/> is true.
    /// </summary>
    private List<object?[]> Aggregate(MetaInsightsReport lower, List<object?[]> rows)
    {
        var from = lower.Stream.Fields.Select((f, i) => (f.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        string[] keyFields = ["date_start", "account_id", .. report.IdFields, .. report.Breakdowns];
        string[] carried = ["date_stop", "account_currency", .. report.LevelFields.Except(report.IdFields, StringComparer.Ordinal)];
        var summed = report.Stream.Fields
            .Where(f => f.Type is FieldType.Int64 or FieldType.Decimal && !f.NonAdditive)
            .Select(f => f.Name)
            .ToList();
        var groups = rows.GroupBy(r => string.Join('\u001f', keyFields.Select(k => Convert.ToString(r[from[k]], CultureInfo.InvariantCulture))), StringComparer.Ordinal);
        var result = new List<object?[]>();
        foreach (var group in groups)
        {
            var first = group.First();
            var values = new object?[report.Stream.Fields.Count];
            foreach (var name in keyFields.Concat(carried))
            {
                values[index[name]] = first[from[name]];
            }

            foreach (var name in summed)
            {
                var parts = group.Select(r => r[from[name]]).Where(v => v is not null).ToList();
                values[index[name]] = parts.Count == 0 ? null
                    : report.Stream.Fields[index[name]].Type == FieldType.Int64 ? (object)parts.Sum(v => (long)v!)
                    : parts.Sum(v => (decimal)v!);
            }

            values[index["reach"]] = null;
            values[index["frequency"]] = null;
            values[index[MetaInsightsReport.ReachUnavailable]] = true;
            foreach (var list in new[] { "actions", "action_values" })
            {
                values[index[list]] = SumActionArrays(group.Select(r => r[from[list]] as string));
            }

            result.Add(values);
        }

        return result;
    }

    /// <summary>Sums raw <c>[{action_type, value, 7d_click, …}]</c> arrays per action type and key; null when there is nothing to sum or a value is not a number.</summary>
    private static string? SumActionArrays(IEnumerable<string?> arrays)
    {
        var sums = new Dictionary<string, Dictionary<string, decimal>>(StringComparer.Ordinal);
        var any = false;
        foreach (var json in arrays)
        {
            if (json is null)
            {
                continue;
            }

            any = true;
            using var doc = JsonDocument.Parse(json);
            foreach (var entry in doc.RootElement.EnumerateArray())
            {
                if (Text(entry, "action_type") is not { } type)
                {
                    return null;
                }

                if (!sums.TryGetValue(type, out var byKey))
                {
                    sums[type] = byKey = new Dictionary<string, decimal>(StringComparer.Ordinal);
                }

                foreach (var property in entry.EnumerateObject().Where(p => p.Name != "action_type"))
                {
                    if (Text(entry, property.Name) is not { } text || !decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
                    {
                        return null;
                    }

                    byKey[property.Name] = byKey.GetValueOrDefault(property.Name) + amount;
                }
            }
        }

        if (!any)
        {
            return null;
        }

        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartArray();
            foreach (var (type, byKey) in sums)
            {
                w.WriteStartObject();
                w.WriteString("action_type", type);
                foreach (var (key, amount) in byKey)
                {
                    w.WriteString(key, amount.ToString(CultureInfo.InvariantCulture));
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Submits a report run and polls it until it completes (the run id) or fails, is skipped or times out (a problem).</summary>
    private async Task<(string? RunId, string? Problem)> RunReportAsync(MetaInsightsQuery query, CancellationToken cancellationToken)
    {
        MetaReportRun run;
        try
        {
            run = await connection.CallAsync((c, t) => c.StartReportRunAsync(connection.AccountId, query, t), cancellationToken);
        }
        catch (MetaReduceDataException ex)
        {
            return (null, ex.Message);
        }

        if (string.IsNullOrEmpty(run.ReportRunId))
        {
            return (null, "Meta returned no report_run_id");
        }

        var delay = options.AsyncPollInterval;
        var waited = TimeSpan.Zero;
        while (true)
        {
            await Task.Delay(delay, connection.Clock, cancellationToken);
            waited += delay;
            var status = await connection.CallAsync((c, t) => c.GetReportRunAsync(run.ReportRunId, t), cancellationToken);
            switch (status.AsyncStatus)
            {
                // "Job Completed" can arrive a moment before the percentage reaches 100; the data is ready only then.
                case "Job Completed" when status.AsyncPercentCompletion is null or >= 100:
                    return (run.ReportRunId, null);
                case "Job Failed" or "Job Skipped":
                    return (null, $"report run {run.ReportRunId}: {status.AsyncStatus}");
                default:
                    break;
            }

            if (waited >= options.AsyncJobTimeout)
            {
                return (null, string.Create(CultureInfo.InvariantCulture,
                    $"report run {run.ReportRunId} still '{status.AsyncStatus}' ({status.AsyncPercentCompletion ?? 0:0}%) after {waited.TotalSeconds:0} s of polling"));
            }

            delay = TimeSpan.FromTicks(Math.Min((long)(delay.Ticks * 1.5), MaxPollInterval.Ticks));
        }
    }

    private static IEnumerable<MetaInsightsQuery> Split(MetaInsightsQuery query)
    {
        var mid = query.Since.AddDays((query.Days / 2) - 1);
        yield return query.WithRange(query.Since, mid);
        yield return query.WithRange(mid.AddDays(1), query.Until);
    }

    private static string Range(MetaInsightsQuery q) => string.Create(CultureInfo.InvariantCulture, $"{q.Since:yyyy-MM-dd}..{q.Until:yyyy-MM-dd}");

    private static RecordBatch ToBatch(MetaInsightsPage page)
    {
        var rows = new List<object?[]>(page.Data.Count);
        var rejects = new List<RejectedRecord>();
        foreach (var row in page.Data)
        {
            if (row.Values is { } values)
            {
                rows.Add(values);
            }
            else
            {
                rejects.Add(new RejectedRecord(row.Problem!, row.Raw!));
            }
        }

        return new RecordBatch(rows, rejects);
    }

    /// <summary>Meta sends numbers as strings; accept either.</summary>
    private static string? Text(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
    }
}
