using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Pipeline.Connectors.Paging;
using Pipeline.Connectors.Streams;

namespace Pipeline.Connectors.Meta;

/// <summary><c>ad_accounts</c>: the node read at connect, one row.</summary>
internal sealed class MetaAccountReader(MetaConnection connection) : IStreamReader
{
    public StreamDescriptor Stream => MetaStreams.AdAccounts;

    public StreamSyncSettings Settings { get; } = StreamSyncSettings.For(MetaStreams.AdAccounts);

    public async IAsyncEnumerable<RecordBatch> ReadAsync(StreamReadRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask;
        var a = connection.Account;
        yield return new RecordBatch([[connection.AccountId, a.Name, a.Currency, a.TimezoneName, (long?)a.AccountStatus]]);
    }
}

/// <summary>
/// <c>campaigns</c>, <c>adsets</c>, <c>ads</c>: the account's edge, paged by cursor. After the first run only objects
/// updated since the committed <c>updated_time</c> (less a small overlap) are asked for; the load upserts by id.
/// </summary>
internal sealed class MetaEntityReader(MetaConnection connection, StreamDescriptor stream, string edge, int pageSize) : IStreamReader
{
    private static readonly TimeSpan Overlap = TimeSpan.FromMinutes(5);

    public StreamDescriptor Stream => stream;

    public StreamSyncSettings Settings { get; } = StreamSyncSettings.For(stream);

    /// <summary>Graph fields of the edge: the stream's columns (account_id is filled from the connection when absent).</summary>
    private IReadOnlyList<string> ApiFields => stream.Fields.Select(f => f.Name).ToList();

    public async IAsyncEnumerable<RecordBatch> ReadAsync(StreamReadRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var since = StreamCursor.Parse(stream, request.Cursor)?.AsTimestamp() - Overlap;

        var fields = ApiFields;
        var pages = Pager.ByCursorAsync(
            (after, ct) => connection.CallAsync((c, t) => c.GetEntitiesAsync(connection.AccountId, edge, fields, pageSize, after, since, t), ct),
            page => MetaValues.NextCursor(page.Paging),
            null,
            cancellationToken);
        await foreach (var page in pages)
        {
            yield return ToBatch(page);
        }
    }

    private RecordBatch ToBatch(MetaEntityPage page)
    {
        var rows = new List<object?[]>(page.Data.Count);
        var rejects = new List<RejectedRecord>();
        foreach (var entity in page.Data)
        {
            var values = new object?[stream.Fields.Count];
            string? problem = null;
            for (var i = 0; i < stream.Fields.Count && problem is null; i++)
            {
                var field = stream.Fields[i];
                var text = field.Name switch
                {
                    "id" => entity.Id,
                    "account_id" => entity.AccountId ?? connection.AccountId,
                    "campaign_id" => entity.CampaignId,
                    "adset_id" => entity.AdsetId,
                    "name" => entity.Name,
                    "status" => entity.Status,
                    "effective_status" => entity.EffectiveStatus,
                    "objective" => entity.Objective,
                    "daily_budget" => entity.DailyBudget,
                    "start_time" => entity.StartTime,
                    "stop_time" => entity.StopTime,
                    "end_time" => entity.EndTime,
                    "created_time" => entity.CreatedTime,
                    "updated_time" => entity.UpdatedTime,
                    _ => null,
                };
                if (text is null)
                {
                    problem = field.Nullable ? null : $"required field '{field.Name}' is missing";
                    continue;
                }

                switch (field.Type)
                {
                    case FieldType.Timestamp when MetaValues.TryTimestamp(text, out var ts):
                        values[i] = ts;
                        break;
                    case FieldType.Int64 when long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l):
                        values[i] = l;
                        break;
                    case FieldType.String:
                        values[i] = text;
                        break;
                    default:
                        problem = $"field '{field.Name}' value '{text}' is not a {field.Type}";
                        break;
                }
            }

            if (problem is null)
            {
                rows.Add(values);
            }
            else
            {
                rejects.Add(new RejectedRecord(problem, JsonSerializer.Serialize(entity, MetaJson.Default.MetaEntity)));
            }
        }

        return new RecordBatch(rows, rejects);
    }
}

internal static class MetaValues
{
    /// <summary>Meta's cursor paging: follow <c>cursors.after</c> while <c>next</c> says more data follows.</summary>
    public static string? NextCursor(MetaPaging? paging) =>
        paging?.Next is { Length: > 0 } && paging.Cursors?.After is { Length: > 0 } after ? after : null;

    /// <summary>Graph time (<c>2026-01-01T10:00:00+0000</c>) or an ISO timestamp, as UTC.</summary>
    public static bool TryTimestamp(string text, out DateTime utc)
    {
        if (DateTimeOffset.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm:sszzzz", "yyyy-MM-dd'T'HH:mm:ssK"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var exact)
            || DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out exact))
        {
            utc = exact.UtcDateTime;
            return true;
        }

        // +0000 without a colon
        if (text.Length > 5 && (text[^5] is '+' or '-') && int.TryParse(text.AsSpan(text.Length - 4), NumberStyles.None, CultureInfo.InvariantCulture, out _)
            && DateTimeOffset.TryParse(string.Concat(text.AsSpan(0, text.Length - 2), ":", text.AsSpan(text.Length - 2)), CultureInfo.InvariantCulture, DateTimeStyles.None, out exact))
        {
            utc = exact.UtcDateTime;
            return true;
        }

        utc = default;
        return false;
    }
}
