using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Pipeline.Connectors.Paging;
using Pipeline.Connectors.Streams;

namespace Pipeline.Connectors.HubSpot;

/// <summary>A CRM object type: its API name, the property its search filters on for changes, its stream and properties.</summary>
internal sealed record CrmObjectKind(string ApiName, string ModifiedProperty, StreamDescriptor Stream, IReadOnlyList<string> Properties, bool StageDates)
{
    public static CrmObjectKind Contacts(StreamDescriptor stream, IEnumerable<string> extra) =>
        new("contacts", "lastmodifieddate", stream, ["email", .. HubSpotStreams.ContactFields.Where(f => f.Name != "email_sha256").Select(f => f.Name), .. extra], false);

    public static CrmObjectKind Companies(StreamDescriptor stream, IEnumerable<string> extra) =>
        new("companies", "hs_lastmodifieddate", stream, [.. HubSpotStreams.CompanyFields.Select(f => f.Name), .. extra], false);

    public static CrmObjectKind Deals(StreamDescriptor stream, IEnumerable<string> extra) =>
        new("deals", "hs_lastmodifieddate", stream, [.. HubSpotStreams.DealFields.Where(f => f.Name != "stage_entered_at").Select(f => f.Name), .. extra], true);
}

/// <summary>
/// Contacts, companies or deals. The first run lists every record (GET, <c>limit</c>/<c>after</c>); later runs search
/// on the object's modified-date property from the cursor minus the overlap. Search results are sorted by
/// <c>hs_object_id</c>, and before paging would pass HubSpot's 10,000-result cap the query restarts with
/// <c>hs_object_id GT</c> the last id read. Search never returns archived records, so every run also lists
/// <c>archived=true</c>: deleted records are kept and marked, not dropped.
/// </summary>
internal sealed class CrmObjectReader(HubSpotConnection connection, CrmObjectKind kind) : IStreamReader
{
    public StreamDescriptor Stream => kind.Stream;

    public StreamSyncSettings Settings { get; } = StreamSyncSettings.For(kind.Stream);

    public async IAsyncEnumerable<RecordBatch> ReadAsync(StreamReadRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var properties = kind.Properties;
        if (kind.StageDates)
        {
            var pipelines = await connection.GetPipelinesAsync(cancellationToken);
            properties = [.. properties, .. StageIds(pipelines).Select(id => "hs_date_entered_" + id)];
        }

        var pages = connection.SearchFrom(kind.Stream, request.Cursor) is { } since
            ? ObjectPaging.SearchModifiedAsync(connection, kind.ApiName, kind.ModifiedProperty, since, properties, cancellationToken)
            : ObjectPaging.ListAsync(connection, kind.ApiName, properties, archived: false, cancellationToken);
        await foreach (var page in pages)
        {
            yield return CrmRowConverter.Batch(kind.Stream, page.Results, archivedList: false);
        }

        await foreach (var page in ObjectPaging.ListAsync(connection, kind.ApiName, properties, archived: true, cancellationToken))
        {
            yield return CrmRowConverter.Batch(kind.Stream, page.Results, archivedList: true);
        }
    }

    private static IEnumerable<string> StageIds(IReadOnlyList<PipelineItem> pipelines) =>
        pipelines.SelectMany(p => p.Stages).Select(s => s.Id).OfType<string>().Where(id => id.Length > 0).Distinct(StringComparer.Ordinal);
}

/// <summary>List and search paging shared by the readers.</summary>
internal static class ObjectPaging
{
    /// <summary>HubSpot search serves at most this many results of one query.</summary>
    public const int SearchResultCap = 10_000;

    public static IAsyncEnumerable<ObjectPage> ListAsync(
        HubSpotConnection connection, string objectType, IReadOnlyList<string> properties, bool archived, CancellationToken cancellationToken) =>
        Pager.ByCursorAsync(
            (after, ct) => connection.Api.ListAsync(objectType, properties, archived, after, ct),
            p => p.Paging?.Next?.After,
            cancellationToken: cancellationToken);

    /// <summary>Records whose <paramref name="modifiedProperty"/> is at or after <paramref name="since"/>, by ascending id.</summary>
    public static async IAsyncEnumerable<ObjectPage> SearchModifiedAsync(
        HubSpotConnection connection,
        string objectType,
        string modifiedProperty,
        DateTimeOffset since,
        IReadOnlyList<string> properties,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var limit = connection.Options.SearchPageSize;
        var sinceMs = since.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        string? afterId = null, lastId = null, after = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            List<SearchFilter> filters = [new(modifiedProperty, "GTE", sinceMs)];
            if (afterId is not null)
            {
                filters.Add(new("hs_object_id", "GT", afterId));
            }

            var body = new SearchRequest([new FilterGroup(filters)], [new SearchSort("hs_object_id", "ASCENDING")], properties, limit, after);
            var page = await connection.Api.SearchAsync(objectType, body, cancellationToken);
            yield return page;

            if (page.Results.Count == 0)
            {
                yield break;
            }

            lastId = page.Results[^1].Id ?? lastId;
            var next = page.Paging?.Next?.After;
            if (string.IsNullOrEmpty(next))
            {
                yield break;
            }

            if (long.TryParse(next, NumberStyles.None, CultureInfo.InvariantCulture, out var offset) && offset + limit > SearchResultCap)
            {
                // The next page would cross the cap (HTTP 400): start a new query after the last id read.
                if (lastId is null || lastId == afterId)
                {
                    throw new InvalidOperationException($"HubSpot {objectType} search made no progress past id {afterId}");
                }

                afterId = lastId;
                after = null;
            }
            else
            {
                if (!seen.Add((afterId ?? "") + "/" + next))
                {
                    throw new PagingLoopException($"HubSpot {objectType} search returned paging cursor '{next}' twice");
                }

                after = next;
            }
        }
    }
}

/// <summary>
/// Associated contact and company ids of deals, as one row per deal and target type holding the whole current set.
/// An association change does not bump a deal's modified date, so besides deals changed since the cursor every run
/// reads the associations of all deals modified in the last <see cref="HubSpotOptions.AssociationRefreshDays"/> days
/// (v4 batch read). The first run reads them for every deal.
/// </summary>
internal sealed class DealAssociationsReader(HubSpotConnection connection) : IStreamReader
{
    private static readonly string[] Targets = ["contacts", "companies"];
    private static readonly IReadOnlyList<string> IdProperties = ["hs_lastmodifieddate"];

    public StreamDescriptor Stream => HubSpotStreams.DealAssociations;

    public StreamSyncSettings Settings { get; } = StreamSyncSettings.For(HubSpotStreams.DealAssociations);

    public async IAsyncEnumerable<RecordBatch> ReadAsync(StreamReadRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var options = connection.Options;
        IAsyncEnumerable<ObjectPage> pages;
        if (connection.SearchFrom(Stream, request.Cursor) is { } changedSince)
        {
            var recent = connection.Now - TimeSpan.FromDays(options.AssociationRefreshDays);
            var since = changedSince < recent ? changedSince : recent;
            pages = ObjectPaging.SearchModifiedAsync(connection, "deals", "hs_lastmodifieddate", since, IdProperties, cancellationToken);
        }
        else
        {
            pages = ObjectPaging.ListAsync(connection, "deals", IdProperties, archived: false, cancellationToken);
        }

        var pending = new List<(string Id, DateTime? UpdatedAt)>();
        await foreach (var page in pages)
        {
            foreach (var deal in page.Results)
            {
                if (deal.Id is { Length: > 0 } id)
                {
                    pending.Add((id, CrmRowConverter.ParseTime(deal.UpdatedAt)));
                }
            }

            while (pending.Count >= options.AssociationBatchSize)
            {
                var chunk = pending[..options.AssociationBatchSize];
                pending.RemoveRange(0, options.AssociationBatchSize);
                yield return await ReadChunkAsync(chunk, cancellationToken);
            }
        }

        if (pending.Count > 0)
        {
            yield return await ReadChunkAsync(pending, cancellationToken);
        }
    }

    private async Task<RecordBatch> ReadChunkAsync(List<(string Id, DateTime? UpdatedAt)> deals, CancellationToken cancellationToken)
    {
        var ids = deals.Select(d => d.Id).Distinct(StringComparer.Ordinal).ToList();
        var updated = deals.GroupBy(d => d.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().UpdatedAt, StringComparer.Ordinal);
        var rows = new List<object?[]>();
        var rejects = new List<RejectedRecord>();
        foreach (var target in Targets)
        {
            var response = await connection.Api.ReadAssociationsAsync("deals", target, ids, cancellationToken);
            var found = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (var result in response.Results)
            {
                if (result.From?.Id is not { Length: > 0 } from)
                {
                    rejects.Add(new RejectedRecord("association result without 'from.id'", JsonSerializer.Serialize(result.To.Select(t => t.ToObjectId?.ToString(CultureInfo.InvariantCulture)).ToList(), HubSpotJson.Default.ListString)));
                    continue;
                }

                var list = found.TryGetValue(from, out var existing) ? existing : found[from] = [];
                list.AddRange(result.To.Where(t => t.ToObjectId is not null).Select(t => t.ToObjectId!.Value.ToString(CultureInfo.InvariantCulture)));
            }

            var missing = (response.Errors ?? []).SelectMany(e => e.Context?.GetValueOrDefault("fromObjectId") ?? []).ToHashSet(StringComparer.Ordinal);
            foreach (var id in ids)
            {
                if (!found.TryGetValue(id, out var targets))
                {
                    if (missing.Contains(id))
                    {
                        // Deleted since it was listed: its archived row in deals says so.
                        continue;
                    }

                    targets = [];
                }

                var distinct = targets.Distinct(StringComparer.Ordinal).OrderBy(t => t.Length).ThenBy(t => t, StringComparer.Ordinal).ToList();
                rows.Add([id, target, JsonSerializer.Serialize(distinct, HubSpotJson.Default.ListString), (long)distinct.Count, updated[id]]);
            }
        }

        return new RecordBatch(rows, rejects);
    }
}

/// <summary>Deal pipelines and stages; every run reads them all.</summary>
internal sealed class DealPipelinesReader(HubSpotConnection connection) : IStreamReader
{
    public StreamDescriptor Stream => HubSpotStreams.DealPipelines;

    public StreamSyncSettings Settings { get; } = StreamSyncSettings.For(HubSpotStreams.DealPipelines);

    public async IAsyncEnumerable<RecordBatch> ReadAsync(StreamReadRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var pipelines = await connection.GetPipelinesAsync(cancellationToken);
        var rows = new List<object?[]>();
        var rejects = new List<RejectedRecord>();
        foreach (var p in pipelines)
        {
            foreach (var s in p.Stages)
            {
                var problem = p.Id is not { Length: > 0 } ? "pipeline 'id' is missing" : s.Id is not { Length: > 0 } ? "stage 'id' is missing" : null;
                var isClosed = Metadata(s, "isClosed");
                var probability = Metadata(s, "probability");
                bool? closed = isClosed is null ? null : bool.TryParse(isClosed, out var c) ? c : null;
                double? chance = probability is null ? null : double.TryParse(probability, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
                problem ??= isClosed is not null && closed is null ? $"'metadata.isClosed' value '{isClosed}' is not a boolean"
                    : probability is not null && chance is null ? $"'metadata.probability' value '{probability}' is not a number"
                    : null;
                if (problem is not null)
                {
                    rejects.Add(new RejectedRecord(problem, string.Create(CultureInfo.InvariantCulture, $"{{\"pipeline\":\"{p.Id}\",\"stage\":\"{s.Id}\"}}")));
                    continue;
                }

                rows.Add(
                [
                    p.Id, p.Label, p.DisplayOrder, s.Id, s.Label, s.DisplayOrder, closed, chance, s.Archived ?? p.Archived ?? false,
                    CrmRowConverter.ParseTime(s.UpdatedAt) ?? CrmRowConverter.ParseTime(p.UpdatedAt),
                ]);
            }
        }

        yield return new RecordBatch(rows, rejects);
    }

    /// <summary>Stage metadata values arrive as strings ("true", "0.2") or, from some portals, as JSON literals.</summary>
    private static string? Metadata(StageItem stage, string key) =>
        stage.Metadata is { } m && m.TryGetValue(key, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Null or JsonValueKind.Undefined => null,
                _ => value.GetRawText(),
            }
            : null;
}

/// <summary>
/// Turns CRM records into typed rows following the stream's fields; a record with a value that does not parse becomes
/// a reject whose payload is the record as JSON with the email address replaced by its hash.
/// </summary>
internal static class CrmRowConverter
{
    private const string DateEnteredPrefix = "hs_date_entered_";

    public static RecordBatch Batch(StreamDescriptor stream, IReadOnlyList<CrmObject> records, bool archivedList)
    {
        var rows = new List<object?[]>(records.Count);
        var rejects = new List<RejectedRecord>();
        foreach (var record in records)
        {
            var (row, problem) = ToRow(stream, record, archivedList);
            if (problem is not null)
            {
                rejects.Add(new RejectedRecord(problem, JsonSerializer.Serialize(Redact(record), HubSpotJson.Default.CrmObject)));
            }
            else
            {
                rows.Add(row);
            }
        }

        return new RecordBatch(rows, rejects);
    }

    private static (object?[] Row, string? Problem) ToRow(StreamDescriptor stream, CrmObject o, bool archivedList)
    {
        string? problem = null;
        var props = o.Properties ?? [];
        var row = new object?[stream.Fields.Count];
        for (var i = 0; i < row.Length; i++)
        {
            var field = stream.Fields[i];
            switch (field.Name)
            {
                case "id":
                    row[i] = o.Id is { Length: > 0 } ? o.Id : null;
                    if (row[i] is null)
                    {
                        problem ??= "'id' is missing";
                    }

                    break;
                case "email_sha256":
                    row[i] = props.GetValueOrDefault("email") is { } email && !string.IsNullOrWhiteSpace(email) ? HubSpotEmailHash.Sha256(email) : null;
                    break;
                case "stage_entered_at":
                    row[i] = StageDates(props, ref problem);
                    break;
                case "created_at":
                    row[i] = Time(o.CreatedAt, "createdAt", ref problem);
                    break;
                case "updated_at":
                    row[i] = Time(o.UpdatedAt, "updatedAt", ref problem);
                    break;
                case "archived_at":
                    row[i] = Time(o.ArchivedAt, "archivedAt", ref problem);
                    break;
                case "archived":
                    row[i] = o.Archived ?? archivedList;
                    break;
                default:
                    row[i] = Convert(props.GetValueOrDefault(field.Name), field, ref problem);
                    break;
            }
        }

        return (row, problem);
    }

    private static object? Convert(string? text, FieldDef field, ref string? problem)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        switch (field.Type)
        {
            case FieldType.Timestamp:
                return Time(text, field.Name, ref problem);
            case FieldType.Decimal:
                // No thousands separators: HubSpot sends plain numbers, and "1,5" (a decimal comma) must not become 15.
                if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
                {
                    return amount;
                }

                problem ??= $"'{field.Name}' value '{text}' is not a number";
                return null;
            case FieldType.Boolean:
                if (bool.TryParse(text, out var flag))
                {
                    return flag;
                }

                problem ??= $"'{field.Name}' value '{text}' is not true or false";
                return null;
            default:
                return text;
        }
    }

    private static string? StageDates(Dictionary<string, string?> props, ref string? problem)
    {
        var dates = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in props)
        {
            if (key.StartsWith(DateEnteredPrefix, StringComparison.Ordinal) && !string.IsNullOrEmpty(value))
            {
                if (Time(value, key, ref problem) is { } at)
                {
                    dates[key[DateEnteredPrefix.Length..]] = at.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
                }
            }
        }

        return JsonSerializer.Serialize(new Dictionary<string, string>(dates, StringComparer.Ordinal), HubSpotJson.Default.DictionaryStringString);
    }

    private static DateTime? Time(string? text, string field, ref string? problem)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (ParseTime(text) is { } value)
        {
            return value;
        }

        problem ??= $"'{field}' value '{text}' is not an ISO 8601 time or epoch milliseconds";
        return null;
    }

    /// <summary>HubSpot dates are ISO 8601 or epoch milliseconds depending on the property; UTC either way.</summary>
    public static DateTime? ParseTime(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (text.All(char.IsAsciiDigit) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
        {
            return ms is >= -62_135_596_800_000 and <= 253_402_300_799_999 ? DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime : null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
            ? value.UtcDateTime
            : null;
    }

    private static CrmObject Redact(CrmObject o)
    {
        if (o.Properties is not { } props || !props.Keys.Any(HubSpotOptions.IsEmailProperty))
        {
            return o;
        }

        var copy = new Dictionary<string, string?>(props, StringComparer.Ordinal);
        foreach (var key in props.Keys.Where(HubSpotOptions.IsEmailProperty))
        {
            copy[key] = string.IsNullOrWhiteSpace(props[key]) ? props[key] : "sha256:" + HubSpotEmailHash.Sha256(props[key]!);
        }

        return o with { Properties = copy };
    }
}
