using System.Globalization;
using System.Text;
using System.Text.Json;
using Pipeline.Sandbox.Hosting;
using Pipeline.Sandbox.World;

namespace Pipeline.Sandbox.Pipedrive;

/// <summary>
/// Pipedrive API v2 list endpoints <c>GET /api/v2/deals</c> and <c>/api/v2/persons</c>: cursor paging
/// (<c>additional_data.next_cursor</c>), <c>updated_since</c>, <c>sort_by</c>, <c>sort_direction</c>, <c>limit</c> ≤ 500;
/// the token as <c>x-api-token</c> header or <c>api_token</c> parameter. Any other parameter is refused with a 400
/// rather than ignored, so a connector never believes a filter applied that was not.
/// </summary>
internal static class PipedriveApi
{
    private const int MaxLimit = 500, DefaultLimit = 100;
    private static readonly HashSet<string> Emulated = new(StringComparer.Ordinal) { "api_token", "cursor", "limit", "updated_since", "sort_by", "sort_direction" };

    public static void Map(WebApplication app, SandboxState state)
    {
        app.MapGet("/pipedrive/api/v2/deals", ctx => List(ctx, state.World.Pipedrive.Deals, d => d.Id, d => d.UpdateTime, WriteDeal));
        app.MapGet("/pipedrive/api/v2/persons", ctx => List(ctx, state.World.Pipedrive.Persons, p => p.Id, p => p.UpdateTime, WritePerson));
    }

    private static Task List<T>(HttpContext ctx, IReadOnlyList<T> all, Func<T, long> id, Func<T, DateTime> updated, Action<Utf8JsonWriter, T> write)
    {
        var q = ctx.Request.Query;
        var token = ctx.Request.Headers["x-api-token"].FirstOrDefault() ?? q["api_token"].FirstOrDefault();
        if (token != PipedriveWorld.ApiToken)
        {
            return PipedriveErrors.Unauthorized(ctx);
        }

        if (q.Keys.FirstOrDefault(k => !Emulated.Contains(k)) is { } unknown)
        {
            return PipedriveErrors.Write(ctx, 400, $"Parameter '{unknown}' is not supported by this sandbox");
        }

        var limit = DefaultLimit;
        if (q["limit"].FirstOrDefault() is { } l && (!int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            return PipedriveErrors.Write(ctx, 400, $"Validation failed: limit: must be an integer from 1 to {MaxLimit}");
        }

        var items = all.AsEnumerable();
        if (q["updated_since"].FirstOrDefault() is { } since)
        {
            if (!DateTimeOffset.TryParseExact(since, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var from))
            {
                return PipedriveErrors.Write(ctx, 400, "Validation failed: updated_since: must be an RFC 3339 date-time such as 2025-01-01T10:20:00Z");
            }

            items = items.Where(i => updated(i) >= from.UtcDateTime);
        }

        var sortBy = q["sort_by"].FirstOrDefault() ?? "id";
        var descending = (q["sort_direction"].FirstOrDefault() ?? "asc") switch { "asc" => (bool?)false, "desc" => true, _ => null };
        if (sortBy is not ("id" or "update_time") || descending is null)
        {
            return PipedriveErrors.Write(ctx, 400, "Validation failed: sort_by must be id or update_time, sort_direction asc or desc");
        }

        var sorted = (sortBy == "id" ? items.OrderBy(id) : items.OrderBy(updated).ThenBy(id)).ToList();
        if (descending.Value)
        {
            sorted.Reverse();
        }

        var offset = 0;
        if (q["cursor"].FirstOrDefault() is { } cursor && !TryDecode(cursor, out offset))
        {
            return PipedriveErrors.Write(ctx, 400, "Validation failed: cursor: invalid cursor");
        }

        var page = sorted.Skip(offset).Take(limit).ToList();
        var next = offset + page.Count < sorted.Count ? Encode(offset + page.Count) : null;
        return HttpJson.Write(ctx, 200, w =>
        {
            w.WriteStartObject();
            w.WriteBoolean("success", true);
            w.WriteStartArray("data");
            foreach (var item in page)
            {
                write(w, item);
            }

            w.WriteEndArray();
            w.WriteStartObject("additional_data");
            if (next is null)
            {
                w.WriteNull("next_cursor");
            }
            else
            {
                w.WriteString("next_cursor", next);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    private static void WriteDeal(Utf8JsonWriter w, PipedriveDeal d)
    {
        w.WriteStartObject();
        w.WriteNumber("id", d.Id);
        w.WriteString("title", d.Title);
        w.WriteNumber("owner_id", d.OwnerId);
        w.WriteNumber("person_id", d.PersonId);
        w.WriteNull("org_id");
        w.WriteNumber("pipeline_id", 1);
        w.WriteNumber("stage_id", d.StageId);
        w.WriteNumber("value", d.Value);
        w.WriteString("currency", PipedriveWorld.Currency);
        w.WriteString("status", d.Status);
        w.WriteString("add_time", Time(d.AddTime));
        w.WriteString("update_time", Time(d.UpdateTime));
        if (d.WonTime is { } won)
        {
            w.WriteString("won_time", Time(won));
            w.WriteString("close_time", Time(won));
        }
        else
        {
            w.WriteNull("won_time");
            w.WriteNull("close_time");
        }

        w.WriteNull("expected_close_date");
        w.WriteBoolean("is_deleted", false);
        w.WriteEndObject();
    }

    private static void WritePerson(Utf8JsonWriter w, PipedrivePerson p)
    {
        w.WriteStartObject();
        w.WriteNumber("id", p.Id);
        w.WriteString("name", p.Name);
        w.WriteNumber("owner_id", p.OwnerId);
        w.WriteNull("org_id");
        w.WriteStartArray("emails");
        w.WriteStartObject();
        w.WriteString("value", p.Email);
        w.WriteBoolean("primary", true);
        w.WriteString("label", "work");
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteString("add_time", Time(p.AddTime));
        w.WriteString("update_time", Time(p.UpdateTime));
        w.WriteBoolean("is_deleted", false);
        w.WriteEndObject();
    }

    private static string Time(DateTime t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Encode(int offset) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{{\"offset\":{offset}}}"));

    private static bool TryDecode(string cursor, out int offset)
    {
        offset = 0;
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(cursor));
            return text.StartsWith("{\"offset\":", StringComparison.Ordinal)
                && int.TryParse(text.AsSpan(10, text.Length - 11), NumberStyles.None, CultureInfo.InvariantCulture, out offset);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
