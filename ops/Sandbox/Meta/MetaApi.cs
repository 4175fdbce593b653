using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;
using Pipeline.Sandbox.Hosting;
using Pipeline.Sandbox.World;

namespace Pipeline.Sandbox.Meta;

/// <summary>Meta Graph API: ad account node, campaign tree edges, sync and async insights.</summary>
internal static partial class MetaApi
{
    [GeneratedRegex(@"^v\d+\.\d+$")]
    private static partial Regex VersionPattern();

    public static void Map(WebApplication app, SandboxState agency)
    {
        // Each request is served by the account it names: an agency client's own world and limits, or the world's own.
        app.MapMethods("/meta/{version}/{node}", ["GET", "POST"], AgencyTenants.Serve(agency, (ctx, state) => Handle(ctx, state, null)));
        app.MapMethods("/meta/{version}/{node}/{edge}", ["GET", "POST"], AgencyTenants.Serve(agency, (ctx, state) => Handle(ctx, state, (string)ctx.Request.RouteValues["edge"]!)));
    }

    private static async Task Handle(HttpContext ctx, SandboxState state, string? edge)
    {
        var version = (string)ctx.Request.RouteValues["version"]!;
        var node = (string)ctx.Request.RouteValues["node"]!;
        var p = await Parameters(ctx);
        if (!VersionPattern().IsMatch(version))
        {
            await MetaErrors.Write(ctx, 400, "Unknown path components: /" + version, "OAuthException", 2500);
            return;
        }

        var token = p.GetValueOrDefault("access_token") ?? BearerOf(ctx);
        if (token is null)
        {
            await MetaErrors.Write(ctx, 400, "An active access token must be used to query information about the current user.", "OAuthException", 2500);
            return;
        }

        if (token != state.MetaAccessToken)
        {
            await MetaErrors.InvalidToken(ctx);
            return;
        }

        var isPost = HttpMethods.IsPost(ctx.Request.Method);
        if (p.Keys.FirstOrDefault(k => !Supported(node, edge).Contains(k)) is { } unsupported)
        {
            // Graph would apply it; the sandbox cannot, so it refuses instead of answering as if it were absent.
            await MetaErrors.InvalidParameter(ctx, $"Param {unsupported} is not supported by the sandbox on this edge");
            return;
        }

        if (node.StartsWith("act_", StringComparison.Ordinal))
        {
            if (state.World.Meta.FindAccount(node[4..]) is not { } account)
            {
                await MetaErrors.UnknownObject(ctx, node);
                return;
            }

            switch (edge, isPost)
            {
                case (null, false): await AccountNode(ctx, account, p); break;
                case ("campaigns" or "adsets" or "ads", false): await EntityEdge(ctx, state, account, edge, p); break;
                case ("insights", false): await SyncInsights(ctx, state, account, p); break;
                case ("insights", true): await SubmitJob(ctx, state, account, p); break;
                default: await MetaErrors.Write(ctx, 400, $"Unsupported {ctx.Request.Method.ToLowerInvariant()} request.", "GraphMethodException", 100); break;
            }

            return;
        }

        if (state.MetaJobs.Find(node) is { } job && !isPost)
        {
            if (edge is null)
            {
                await JobStatus(ctx, job);
            }
            else if (edge == "insights")
            {
                await JobInsights(ctx, state, job, p);
            }
            else
            {
                await MetaErrors.UnknownObject(ctx, node + "/" + edge);
            }

            return;
        }

        await MetaErrors.UnknownObject(ctx, node);
    }

    /// <summary>The parameters the sandbox emulates per route (plus access_token everywhere).</summary>
    private static HashSet<string> Supported(string node, string? edge) => (node.StartsWith("act_", StringComparison.Ordinal), edge) switch
    {
        (true, null) => ["access_token", "fields"],
        (true, "campaigns" or "adsets" or "ads") => ["access_token", "fields", "limit", "after", "filtering"],
        (true, _) => ["access_token", "level", "fields", "time_range", "date_preset", "time_increment", "breakdowns", "action_attribution_windows", "limit", "after", "filtering"],
        (false, null) => ["access_token", "fields"],
        (false, _) => ["access_token", "limit", "after", "fields"],
    };

    private static async Task AccountNode(HttpContext ctx, MetaAdAccount account, Dictionary<string, string> p)
    {
        var fields = MetaInsightsQuery.ListParam(p.GetValueOrDefault("fields")) ?? ["account_id"];
        string[] known = ["id", "account_id", "name", "currency", "timezone_name", "timezone_offset_hours_utc", "account_status", "created_time"];
        if (fields.FirstOrDefault(f => !known.Contains(f)) is { } unknown)
        {
            await MetaErrors.InvalidParameter(ctx, $"Tried accessing nonexisting field ({unknown}) on node type (AdAccount)");
            return;
        }

        await HttpJson.Write(ctx, 200, w =>
        {
            w.WriteStartObject();
            foreach (var f in fields)
            {
                switch (f)
                {
                    case "account_id": w.WriteString(f, account.AccountId); break;
                    case "name": w.WriteString(f, account.Name); break;
                    case "currency": w.WriteString(f, account.Currency); break;
                    case "timezone_name": w.WriteString(f, account.TimeZone); break;
                    case "timezone_offset_hours_utc": w.WriteNumber(f, account.Index == 0 ? 1 : -5); break;
                    case "account_status": w.WriteNumber(f, 1); break;
                    // Graph time: ISO 8601 with a +0000 offset (no colon).
                    case "created_time": w.WriteString(f, account.CreatedTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + "+0000"); break;
                    default: break;
                }
            }

            w.WriteString("id", account.NodeId);
            w.WriteEndObject();
        });
    }

    private static async Task EntityEdge(HttpContext ctx, SandboxState state, MetaAdAccount account, string edge, Dictionary<string, string> p)
    {
        var meta = state.World.Meta;
        var fields = MetaInsightsQuery.ListParam(p.GetValueOrDefault("fields")) ?? ["id"];
        string[] known = ["id", "name", "account_id", "campaign_id", "adset_id", "status", "effective_status", "objective", "daily_budget", "created_time", "updated_time", "start_time", "stop_time", "end_time"];
        if (fields.FirstOrDefault(f => !known.Contains(f)) is { } unknown)
        {
            await MetaErrors.InvalidParameter(ctx, $"Tried accessing nonexisting field ({unknown}) on node type ({edge})");
            return;
        }

        var items = edge switch
        {
            "campaigns" => meta.Campaigns.Where(c => c.AccountId == account.AccountId).Select(c => (c.Id, c.Name, Campaign: c, AdSet: (MetaAdSet?)null)).ToList(),
            "adsets" => meta.AdSets.Where(s => s.Campaign.AccountId == account.AccountId).Select(s => (s.Id, s.Name, s.Campaign, AdSet: (MetaAdSet?)s)).ToList(),
            _ => meta.Ads.Where(a => a.Campaign.AccountId == account.AccountId).Select(a => (a.Id, a.Name, a.Campaign, AdSet: (MetaAdSet?)a.AdSet)).ToList(),
        };
        var (filters, filterError) = MetaFilter.Parse(p.GetValueOrDefault("filtering"), MetaFilter.EdgeFields);
        if (filterError is not null)
        {
            await MetaErrors.InvalidParameter(ctx, filterError);
            return;
        }

        items = items.Where(i => filters.All(f => f.Matches(i.Campaign.Id, i.AdSet?.Id ?? (edge == "adsets" ? i.Id : null), edge == "ads" ? i.Id : null, Created(i.Campaign).AddDays(1)))).ToList();
        var limit = int.TryParse(p.GetValueOrDefault("limit"), NumberStyles.None, CultureInfo.InvariantCulture, out var l) && l > 0 ? Math.Min(l, 5000) : 25;
        var start = DecodeOffset(p.GetValueOrDefault("after"));
        if (start is null)
        {
            await MetaErrors.InvalidParameter(ctx, "Invalid cursor");
            return;
        }

        var page = items.Skip(start.Value).Take(limit).ToList();
        var today = state.World.Today;
        await HttpJson.Write(ctx, 200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("data");
            foreach (var (id, name, campaign, adSet) in page)
            {
                var ended = campaign.StopDate < today;
                var created = Created(campaign);
                w.WriteStartObject();
                foreach (var f in fields)
                {
                    switch (f)
                    {
                        case "name": w.WriteString(f, name); break;
                        case "account_id": w.WriteString(f, account.AccountId); break;
                        case "campaign_id" when edge != "campaigns": w.WriteString(f, campaign.Id); break;
                        case "adset_id" when adSet is not null && edge == "ads": w.WriteString(f, adSet.Id); break;
                        case "status" or "effective_status": w.WriteString(f, ended ? "PAUSED" : "ACTIVE"); break;
                        case "objective" when edge == "campaigns": w.WriteString(f, campaign.Objective); break;
                        case "daily_budget" when edge != "ads": w.WriteString(f, (campaign.DailyBudgetCents / (edge == "adsets" ? meta.AdSets.Count(s => s.Campaign.Id == campaign.Id) : 1)).ToString(CultureInfo.InvariantCulture)); break;
                        case "created_time": w.WriteString(f, GraphTime(created)); break;
                        case "updated_time": w.WriteString(f, GraphTime(created.AddDays(1))); break;
                        case "start_time": w.WriteString(f, GraphTime(new DateTimeOffset(campaign.StartDate.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero))); break;
                        case "stop_time" or "end_time" when ended: w.WriteString(f, GraphTime(new DateTimeOffset(campaign.StopDate.ToDateTime(new TimeOnly(23, 59)), TimeSpan.Zero))); break;
                        default: break;
                    }
                }

                w.WriteString("id", id);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            var next = start.Value + page.Count < items.Count ? EncodeOffset(start.Value + page.Count) : null;
            WritePaging(w, ctx, EncodeOffset(start.Value), EncodeOffset(start.Value + page.Count), next);
            w.WriteEndObject();
        });
    }

    private static async Task SyncInsights(HttpContext ctx, SandboxState state, MetaAdAccount account, Dictionary<string, string> p)
    {
        var (query, error) = MetaInsightsQuery.Parse(p, state.World.Today, state.World.Meta.BreakdownsOf(account.AccountId));
        if (query is null)
        {
            await MetaErrors.InvalidParameter(ctx, error!);
            return;
        }

        var engine = new MetaInsightsEngine(state.World.Meta, account, query, state.World.ReadGeneration);
        if (engine.EstimatedRows() > state.Options.MetaSyncRowLimit)
        {
            await MetaErrors.ReduceData(ctx);
            return;
        }

        await WriteInsightsPage(ctx, engine, query, p);
    }

    private static async Task SubmitJob(HttpContext ctx, SandboxState state, MetaAdAccount account, Dictionary<string, string> p)
    {
        var (query, error) = MetaInsightsQuery.Parse(p, state.World.Today, state.World.Meta.BreakdownsOf(account.AccountId));
        if (query is null)
        {
            await MetaErrors.InvalidParameter(ctx, error!);
            return;
        }

        var job = state.MetaJobs.Create(account.AccountId, query, state.World.ReadGeneration);
        await HttpJson.Write(ctx, 200, w =>
        {
            w.WriteStartObject();
            w.WriteString("report_run_id", job.Id);
            w.WriteEndObject();
        });
    }

    private static Task JobStatus(HttpContext ctx, MetaJob job)
    {
        var (status, percent) = job.Poll();
        return HttpJson.Write(ctx, 200, w =>
        {
            w.WriteStartObject();
            w.WriteString("id", job.Id);
            w.WriteString("account_id", job.AccountId);
            w.WriteNumber("time_ref", job.CreatedAt.ToUnixTimeSeconds());
            w.WriteString("async_status", status);
            w.WriteNumber("async_percent_completion", percent);
            if (percent == 100)
            {
                w.WriteNumber("time_completed", job.CreatedAt.ToUnixTimeSeconds() + 3);
            }

            w.WriteString("date_start", job.Query.Since.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            w.WriteString("date_stop", job.Query.Until.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            w.WriteBoolean("is_running", percent < 100);
            w.WriteEndObject();
        });
    }

    private static async Task JobInsights(HttpContext ctx, SandboxState state, MetaJob job, Dictionary<string, string> p)
    {
        if (!job.IsCompleted)
        {
            await MetaErrors.InvalidParameter(ctx, "Report is not ready yet; poll async_status until it is Job Completed.");
            return;
        }

        var account = state.World.Meta.FindAccount(job.AccountId)!;
        // Paging parameters of this request win over those the job was submitted with.
        var query = job.Query;
        if (p.GetValueOrDefault("limit") is { } limitText && int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit > 0)
        {
            query = query with { Limit = Math.Min(limit, 5000) };
        }

        var engine = new MetaInsightsEngine(state.World.Meta, account, query, job.Generation);
        await WriteInsightsPage(ctx, engine, query, p);
    }

    private static async Task WriteInsightsPage(HttpContext ctx, MetaInsightsEngine engine, MetaInsightsQuery query, Dictionary<string, string> p)
    {
        var cursor = p.GetValueOrDefault("after");
        if (MetaInsightsEngine.DecodeCursor(cursor) is not { } from)
        {
            await MetaErrors.InvalidParameter(ctx, "Invalid cursor");
            return;
        }

        var (rows, next, after) = engine.Page(from, query.Limit);
        await HttpJson.Write(ctx, 200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("data");
            foreach (var row in rows)
            {
                engine.WriteRow(w, row);
            }

            w.WriteEndArray();
            if (rows.Count > 0)
            {
                WritePaging(w, ctx, MetaInsightsEngine.EncodeCursor(from), MetaInsightsEngine.EncodeCursor(after), next is { } n ? MetaInsightsEngine.EncodeCursor(n) : null);
            }

            w.WriteEndObject();
        });
    }

    /// <summary>
    /// Graph paging: cursors always, "next" only while more data follows (it repeats the query with after=). On the last
    /// page the after cursor points past the end, so a client that follows it anyway gets an empty page, not a repeat.
    /// </summary>
    private static void WritePaging(Utf8JsonWriter w, HttpContext ctx, string before, string after, string? next)
    {
        w.WriteStartObject("paging");
        w.WriteStartObject("cursors");
        w.WriteString("before", before);
        w.WriteString("after", after);
        w.WriteEndObject();
        if (next is not null)
        {
            var query = QueryHelpers.ParseQuery(ctx.Request.QueryString.Value)
                .Where(kv => kv.Key != "after")
                .SelectMany(kv => kv.Value.Select(v => new KeyValuePair<string, string?>(kv.Key, v)))
                .Append(new KeyValuePair<string, string?>("after", next));
            var url = $"{ctx.Request.Scheme}://{ctx.Request.Host}{ctx.Request.PathBase}{ctx.Request.Path}";
            w.WriteString("next", QueryHelpers.AddQueryString(url, query));
        }

        w.WriteEndObject();
    }

    private static async Task<Dictionary<string, string>> Parameters(HttpContext ctx)
    {
        var p = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in ctx.Request.Query)
        {
            p[key] = value.ToString();
        }

        if (ctx.Request.HasFormContentType)
        {
            var form = await ctx.Request.ReadFormAsync(ctx.RequestAborted);
            foreach (var (key, value) in form)
            {
                p[key] = value.ToString();
            }
        }
        else if (HttpMethods.IsPost(ctx.Request.Method) && ctx.Request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true
            && await HttpJson.ReadBody(ctx) is System.Text.Json.Nodes.JsonObject body)
        {
            foreach (var (key, value) in body)
            {
                if (value is not null)
                {
                    p[key] = value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();
                }
            }
        }

        return p;
    }

    private static string? BearerOf(HttpContext ctx)
    {
        var header = ctx.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
    }

    /// <summary>When an object of the campaign tree was created (its updated_time is a day later).</summary>
    private static DateTimeOffset Created(MetaCampaign campaign) =>
        new(campaign.StartDate.AddDays(-3).ToDateTime(new TimeOnly(10, 0)), TimeSpan.Zero);

    private static string GraphTime(DateTimeOffset t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss+0000", CultureInfo.InvariantCulture);

    private static string EncodeOffset(int offset) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes("off:" + offset.ToString(CultureInfo.InvariantCulture)));

    private static int? DecodeOffset(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return 0;
        }

        try
        {
            var text = Encoding.ASCII.GetString(Convert.FromBase64String(cursor));
            return text.StartsWith("off:", StringComparison.Ordinal) && int.TryParse(text[4..], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
