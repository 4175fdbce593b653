using System.Globalization;
using System.Text.Json.Nodes;
using Pipeline.Sandbox.Hosting;
using Pipeline.Sandbox.World;

namespace Pipeline.Sandbox.Mailchimp;

/// <summary>Mailchimp Marketing API v3: lists, members, activity, campaigns, reports, unsubscribes.</summary>
internal static class MailchimpApi
{
    private const int DefaultCount = 10, MaxCount = 1000;

    public static void Map(WebApplication app, SandboxState agency)
    {
        // Each request is served by the account it names: an agency client's own world and limits, or the world's own.
        const string Root = "/mailchimp/3.0";
        app.MapGet(Root + "/", AgencyTenants.Serve(agency, (ctx, state) => Authorized(ctx, state, QueryParameters.Object, () => AccountRoot(ctx, state))));
        app.MapGet(Root + "/ping", AgencyTenants.Serve(agency, (ctx, state) => Authorized(ctx, state, QueryParameters.Object, () => Respond(ctx, new JsonObject { ["health_status"] = "Everything's Chimpy!" }))));
        app.MapGet(Root + "/lists", AgencyTenants.Serve(agency, (ctx, state) => Authorized(ctx, state, QueryParameters.Collection, () => Lists(ctx, state))));
        app.MapGet(Root + "/lists/{listId}", AgencyTenants.Serve(agency, (ctx, state) => Authorized(ctx, state, QueryParameters.Object, () => WithList(ctx, state, list => Respond(ctx, ListJson(state, list))))));
        app.MapGet(Root + "/lists/{listId}/members", AgencyTenants.Serve(agency, (ctx, state) => Authorized(ctx, state, QueryParameters.Members, () => WithList(ctx, state, list => Members(ctx, state, list)))));
        app.MapGet(Root + "/lists/{listId}/activity", AgencyTenants.Serve(agency, (ctx, state) => Authorized(ctx, state, QueryParameters.Collection, () => WithList(ctx, state, list => Activity(ctx, state, list)))));
        app.MapGet(Root + "/campaigns", AgencyTenants.Serve(agency, (ctx, state) => Authorized(ctx, state, QueryParameters.Campaigns, () => Campaigns(ctx, state))));
        app.MapGet(Root + "/campaigns/{campaignId}", AgencyTenants.Serve(agency, (ctx, state) => Authorized(ctx, state, QueryParameters.Object, () => WithCampaign(ctx, state, c => Respond(ctx, CampaignJson(state, c))))));
        app.MapGet(Root + "/reports", AgencyTenants.Serve(agency, (ctx, state) => Authorized(ctx, state, QueryParameters.Reports, () => Reports(ctx, state))));
        app.MapGet(Root + "/reports/{campaignId}", AgencyTenants.Serve(agency, (ctx, state) => Authorized(ctx, state, QueryParameters.Object, () => WithCampaign(ctx, state, c =>
            state.World.Mailchimp.Report(c, state.World.ReadGeneration) is null ? MailchimpErrors.NotFound(ctx) : Respond(ctx, ReportJson(state, c))))));
        app.MapGet(Root + "/reports/{campaignId}/unsubscribed", AgencyTenants.Serve(agency, (ctx, state) => Authorized(ctx, state, QueryParameters.Collection, () => WithCampaign(ctx, state, c => Unsubscribed(ctx, state, c)))));
    }

    /// <summary>Checks the key, then refuses any query parameter the route does not emulate.</summary>
    private static Task Authorized(HttpContext ctx, SandboxState state, QueryParameters parameters, Func<Task> handler) =>
        !MailchimpAuth.IsValid(ctx, state) ? MailchimpErrors.InvalidKey(ctx)
        : parameters.FirstUnsupported(ctx) is { } bad ? MailchimpErrors.InvalidParameter(ctx, bad.Name, bad.Message)
        : handler();

    private static Task WithList(HttpContext ctx, SandboxState state, Func<MailchimpList, Task> handler) =>
        state.World.Mailchimp.FindList((string)ctx.Request.RouteValues["listId"]!) is { } list ? handler(list) : MailchimpErrors.NotFound(ctx);

    private static Task WithCampaign(HttpContext ctx, SandboxState state, Func<MailchimpCampaign, Task> handler) =>
        state.World.Mailchimp.FindCampaign((string)ctx.Request.RouteValues["campaignId"]!) is { } c ? handler(c) : MailchimpErrors.NotFound(ctx);

    private static Task Respond(HttpContext ctx, JsonNode body) =>
        HttpJson.Write(ctx, 200, FieldProjection.Apply(body, ctx.Request.Query["fields"], ctx.Request.Query["exclude_fields"]), "application/json; charset=utf-8");

    private static (int Offset, int Count)? Paging(HttpContext ctx)
    {
        var offset = 0;
        var count = DefaultCount;
        if (ctx.Request.Query["offset"].ToString() is { Length: > 0 } o && !int.TryParse(o, NumberStyles.None, CultureInfo.InvariantCulture, out offset))
        {
            return null;
        }

        if (ctx.Request.Query["count"].ToString() is { Length: > 0 } c && !int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out count))
        {
            return null;
        }

        return (offset, Math.Clamp(count, 0, MaxCount));
    }

    private static bool TryTime(HttpContext ctx, string name, out DateTimeOffset? value)
    {
        value = null;
        var text = ctx.Request.Query[name].ToString();
        if (text.Length == 0)
        {
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            value = parsed;
            return true;
        }

        return false;
    }

    private static async Task Page<T>(HttpContext ctx, string collection, IReadOnlyList<T> all, Func<T, JsonNode> toJson, Action<JsonObject>? extra = null)
    {
        if (Paging(ctx) is not { } paging)
        {
            await MailchimpErrors.BadRequest(ctx, "offset and count must be non-negative integers.");
            return;
        }

        var body = new JsonObject { [collection] = new JsonArray(all.Skip(paging.Offset).Take(paging.Count).Select(toJson).ToArray()) };
        extra?.Invoke(body);
        body["total_items"] = all.Count;
        await Respond(ctx, body);
    }

    private static Task AccountRoot(HttpContext ctx, SandboxState state) => Respond(ctx, new JsonObject
    {
        // An agency's clients are accounts of their own (connectors tell accounts apart by this id).
        ["account_id"] = state.ClientIndex is null ? "8d3a3db4d97663a9074efcc16" : Det.Hex(25, state.World.Options.Seed, Salt.MailKey, 99),
        ["login_id"] = "123456789",
        ["account_name"] = "Nordlicht GmbH (sandbox)",
        ["email"] = "marketing@nordlicht.example",
        ["username"] = "nordlicht-sandbox",
        ["role"] = "owner",
        ["pricing_plan_type"] = "monthly",
        ["account_timezone"] = "Europe/Berlin",
        ["account_industry"] = "eCommerce",
    });

    private static Task Lists(HttpContext ctx, SandboxState state) =>
        Page(ctx, "lists", state.World.Mailchimp.Lists, l => ListJson(state, l), b => b["constraints"] = new JsonObject
        {
            ["may_create"] = true,
            ["max_instances"] = 5,
            ["current_total_instances"] = state.World.Mailchimp.Lists.Count,
        });

    private static JsonObject ListJson(SandboxState state, MailchimpList list)
    {
        var mc = state.World.Mailchimp;
        var sent = mc.Campaigns.Where(c => c.List.Id == list.Id && c.SendTime is not null).ToList();
        return new JsonObject
        {
            ["id"] = list.Id,
            ["web_id"] = list.WebId,
            ["name"] = list.Name,
            ["contact"] = new JsonObject { ["company"] = "Nordlicht GmbH", ["address1"] = "Lichtstraße 1", ["city"] = "Berlin", ["zip"] = "10115", ["country"] = "DE" },
            ["permission_reminder"] = "You signed up on nordlicht.example.",
            ["campaign_defaults"] = new JsonObject { ["from_name"] = "Nordlicht", ["from_email"] = "news@nordlicht.example", ["subject"] = "", ["language"] = "de" },
            ["date_created"] = Time(list.DateCreated),
            ["list_rating"] = 3,
            ["email_type_option"] = false,
            ["visibility"] = "pub",
            ["stats"] = new JsonObject
            {
                ["member_count"] = mc.MemberCount(list, "subscribed"),
                ["unsubscribe_count"] = mc.MemberCount(list, "unsubscribed"),
                ["cleaned_count"] = mc.MemberCount(list, "cleaned"),
                ["member_count_since_send"] = 12,
                ["unsubscribe_count_since_send"] = 1,
                ["cleaned_count_since_send"] = 0,
                ["campaign_count"] = sent.Count,
                ["campaign_last_sent"] = sent.Count == 0 ? "" : Time(sent[^1].SendTime!.Value),
                ["merge_field_count"] = 2,
                ["avg_sub_rate"] = 14,
                ["avg_unsub_rate"] = 1,
                ["target_sub_rate"] = 3,
                ["open_rate"] = 34.5,
                ["click_rate"] = 3.9,
                ["last_sub_date"] = Time(mc.OptInTime(list, list.MemberTotal - 1)),
                ["last_unsub_date"] = Time(state.World.AsOf.AddDays(-2)),
            },
        };
    }

    private static async Task Members(HttpContext ctx, SandboxState state, MailchimpList list)
    {
        if (!TryTime(ctx, "since_last_changed", out var since) || !TryTime(ctx, "before_last_changed", out var before))
        {
            await MailchimpErrors.BadRequest(ctx, "since_last_changed and before_last_changed must be ISO 8601 times.");
            return;
        }

        if (Paging(ctx) is not { } paging)
        {
            await MailchimpErrors.BadRequest(ctx, "offset and count must be non-negative integers.");
            return;
        }

        var status = ctx.Request.Query["status"].ToString();
        var mc = state.World.Mailchimp;

        // Scan cheap facts only; build the page's members afterwards.
        var page = new List<int>(paging.Count);
        var total = 0;
        for (var i = 0; i < list.MemberTotal; i++)
        {
            if (since is not null || before is not null || status.Length > 0)
            {
                var (memberStatus, lastChanged) = mc.MemberStatus(list, i);
                if ((since is { } s && lastChanged <= s) || (before is { } b && lastChanged >= b) || (status.Length > 0 && memberStatus != status))
                {
                    continue;
                }
            }

            if (total >= paging.Offset && page.Count < paging.Count)
            {
                page.Add(i);
            }

            total++;
        }

        var body = new JsonObject
        {
            ["members"] = new JsonArray(page.Select(i => (JsonNode)MemberJson(mc.Member(list, i), list)).ToArray()),
            ["list_id"] = list.Id,
            ["total_items"] = total,
        };
        await Respond(ctx, body);
    }

    private static JsonObject MemberJson(MailchimpMember m, MailchimpList list) => new()
    {
        ["id"] = m.Id,
        ["email_address"] = m.EmailAddress,
        ["unique_email_id"] = m.Id[..10],
        ["full_name"] = m.FirstName + " " + m.LastName,
        ["web_id"] = 10_000_000 + m.Index,
        ["email_type"] = "html",
        ["status"] = m.Status,
        ["merge_fields"] = new JsonObject { ["FNAME"] = m.FirstName, ["LNAME"] = m.LastName },
        ["stats"] = new JsonObject { ["avg_open_rate"] = m.AverageOpenRate, ["avg_click_rate"] = m.AverageClickRate },
        ["ip_signup"] = "",
        ["timestamp_signup"] = "",
        ["ip_opt"] = "198.51.100." + (m.Index % 250).ToString(CultureInfo.InvariantCulture),
        ["timestamp_opt"] = Time(m.TimestampOpt),
        ["member_rating"] = m.Rating,
        ["last_changed"] = Time(m.LastChanged),
        ["language"] = "de",
        ["vip"] = false,
        ["location"] = new JsonObject { ["country_code"] = "DE", ["timezone"] = "Europe/Berlin" },
        ["source"] = m.Source,
        ["tags_count"] = 0,
        ["tags"] = new JsonArray(),
        ["list_id"] = list.Id,
    };

    private static Task Activity(HttpContext ctx, SandboxState state, MailchimpList list)
    {
        var mc = state.World.Mailchimp;
        var today = state.World.Today;
        var days = new List<DateOnly>();
        // Most recent day first, at most 180 days, never before the list existed.
        for (var d = today; d > today.AddDays(-180) && d >= DateOnly.FromDateTime(list.DateCreated.UtcDateTime); d = d.AddDays(-1))
        {
            days.Add(d);
        }

        return Page(ctx, "activity", days, day =>
        {
            long sent = 0, opens = 0, clicks = 0, hard = 0, soft = 0;
            foreach (var c in mc.Campaigns.Where(c => c.List.Id == list.Id && c.SendTime is not null))
            {
                var offset = day.DayNumber - DateOnly.FromDateTime(c.SendTime!.Value.UtcDateTime).DayNumber;
                var stats = mc.Report(c, state.World.ReadGeneration)!;
                if (offset == 0)
                {
                    sent += stats.EmailsSent;
                    hard += stats.HardBounces;
                    soft += stats.SoftBounces;
                }

                if (offset is >= 0 and < 7)
                {
                    opens += Det.Round(stats.UniqueOpens * MailchimpWorld.ClickDayShares[offset]);
                    clicks += Det.Round(stats.UniqueSubscriberClicks * MailchimpWorld.ClickDayShares[offset]);
                }
            }

            var dayStart = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            var subs = 0;
            for (var i = Math.Max(0, (int)((dayStart - list.DateCreated) / (state.World.AsOf - list.DateCreated) * list.MemberTotal) - 1); i < list.MemberTotal && mc.OptInTime(list, i) < dayStart.AddDays(1); i++)
            {
                subs += mc.OptInTime(list, i) >= dayStart ? 1 : 0;
            }

            return new JsonObject
            {
                ["day"] = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["emails_sent"] = sent,
                ["unique_opens"] = opens,
                ["recipient_clicks"] = clicks,
                ["hard_bounce"] = hard,
                ["soft_bounce"] = soft,
                ["subs"] = subs,
                ["unsubs"] = (int)(mc.ActivityNoise(list, day, 1) * 3),
                ["other_adds"] = (int)(mc.ActivityNoise(list, day, 2) * 2),
                ["other_removes"] = (int)(mc.ActivityNoise(list, day, 3) * 2),
            };
        }, b => b["list_id"] = list.Id);
    }

    private static async Task Campaigns(HttpContext ctx, SandboxState state)
    {
        if (!TryTime(ctx, "since_send_time", out var sinceSend) || !TryTime(ctx, "before_send_time", out var beforeSend)
            || !TryTime(ctx, "since_create_time", out var sinceCreate) || !TryTime(ctx, "before_create_time", out var beforeCreate))
        {
            await MailchimpErrors.BadRequest(ctx, "Time filters must be ISO 8601 times.");
            return;
        }

        var status = ctx.Request.Query["status"].ToString();
        var listId = ctx.Request.Query["list_id"].ToString();
        IEnumerable<MailchimpCampaign> campaigns = state.World.Mailchimp.Campaigns.Where(c =>
            (status.Length == 0 || c.Status == status) && (listId.Length == 0 || c.List.Id == listId)
            && (sinceSend is null || (c.SendTime is { } s1 && s1 > sinceSend)) && (beforeSend is null || (c.SendTime is { } s2 && s2 < beforeSend))
            && (sinceCreate is null || c.CreateTime > sinceCreate) && (beforeCreate is null || c.CreateTime < beforeCreate));
        var sortBySend = string.Equals(ctx.Request.Query["sort_field"], "send_time", StringComparison.OrdinalIgnoreCase);
        campaigns = sortBySend ? campaigns.OrderBy(c => c.SendTime ?? DateTimeOffset.MaxValue) : campaigns.OrderBy(c => c.CreateTime);
        if (string.Equals(ctx.Request.Query["sort_dir"], "DESC", StringComparison.OrdinalIgnoreCase))
        {
            campaigns = campaigns.Reverse();
        }

        await Page(ctx, "campaigns", campaigns.ToList(), c => CampaignJson(state, c));
    }

    private static JsonObject CampaignJson(SandboxState state, MailchimpCampaign c)
    {
        var json = new JsonObject
        {
            ["id"] = c.Id,
            ["web_id"] = c.WebId,
            ["type"] = "regular",
            ["create_time"] = Time(c.CreateTime),
            ["archive_url"] = "https://eepurl.com/sandbox" + c.Id[..6],
            ["status"] = c.Status,
            ["emails_sent"] = c.EmailsSent,
            ["send_time"] = c.SendTime is { } t ? Time(t) : "",
            ["content_type"] = "template",
            ["needs_block_refresh"] = false,
            ["resendable"] = false,
            ["recipients"] = new JsonObject
            {
                ["list_id"] = c.List.Id,
                ["list_is_active"] = true,
                ["list_name"] = c.List.Name,
                ["segment_text"] = "",
                ["recipient_count"] = c.EmailsSent,
            },
            ["settings"] = new JsonObject
            {
                ["subject_line"] = c.SubjectLine,
                ["preview_text"] = "Neues aus dem Norden",
                ["title"] = c.Title,
                ["from_name"] = "Nordlicht",
                ["reply_to"] = "news@nordlicht.example",
                ["use_conversation"] = false,
                ["to_name"] = "*|FNAME|*",
                ["folder_id"] = "",
                ["authenticate"] = true,
                ["auto_footer"] = false,
                ["inline_css"] = false,
                ["template_id"] = 10_001,
                ["drag_and_drop"] = true,
            },
            ["tracking"] = new JsonObject
            {
                ["opens"] = true,
                ["html_clicks"] = true,
                ["text_clicks"] = false,
                ["goal_tracking"] = false,
                ["ecomm360"] = true,
                ["google_analytics"] = c.UtmCampaign,
                ["clicktale"] = "",
            },
        };
        if (state.World.Mailchimp.Report(c, state.World.ReadGeneration) is { } r)
        {
            json["report_summary"] = new JsonObject
            {
                ["opens"] = r.OpensTotal,
                ["unique_opens"] = r.UniqueOpens,
                ["open_rate"] = Math.Round(r.OpenRate, 4),
                ["clicks"] = r.ClicksTotal,
                ["subscriber_clicks"] = r.UniqueSubscriberClicks,
                ["click_rate"] = Math.Round(r.ClickRate, 4),
                ["ecommerce"] = new JsonObject { ["total_orders"] = r.TotalOrders, ["total_spent"] = r.TotalRevenueCents / 100m, ["total_revenue"] = r.TotalRevenueCents / 100m },
            };
        }

        return json;
    }

    private static async Task Reports(HttpContext ctx, SandboxState state)
    {
        if (!TryTime(ctx, "since_send_time", out var since) || !TryTime(ctx, "before_send_time", out var before))
        {
            await MailchimpErrors.BadRequest(ctx, "Time filters must be ISO 8601 times.");
            return;
        }

        var sent = state.World.Mailchimp.Campaigns
            .Where(c => c.SendTime is { } t && (since is null || t > since) && (before is null || t < before))
            .OrderBy(c => c.SendTime)
            .ToList();
        await Page(ctx, "reports", sent, c => ReportJson(state, c));
    }

    private static JsonObject ReportJson(SandboxState state, MailchimpCampaign c)
    {
        var r = state.World.Mailchimp.Report(c, state.World.ReadGeneration)!;
        return new JsonObject
        {
            ["id"] = c.Id,
            ["campaign_title"] = c.Title,
            ["type"] = "regular",
            ["list_id"] = c.List.Id,
            ["list_is_active"] = true,
            ["list_name"] = c.List.Name,
            ["subject_line"] = c.SubjectLine,
            ["preview_text"] = "Neues aus dem Norden",
            ["emails_sent"] = r.EmailsSent,
            ["abuse_reports"] = r.AbuseReports,
            ["unsubscribed"] = r.Unsubscribed,
            ["send_time"] = Time(c.SendTime!.Value),
            ["bounces"] = new JsonObject { ["hard_bounces"] = r.HardBounces, ["soft_bounces"] = r.SoftBounces, ["syntax_errors"] = 0 },
            ["forwards"] = new JsonObject { ["forwards_count"] = 0, ["forwards_opens"] = 0 },
            ["opens"] = OpensJson(r),
            ["clicks"] = new JsonObject
            {
                ["clicks_total"] = r.ClicksTotal,
                ["unique_clicks"] = r.UniqueClicks,
                ["unique_subscriber_clicks"] = r.UniqueSubscriberClicks,
                ["click_rate"] = r.ClickRate,
                ["last_click"] = r.LastClick is { } lc ? Time(lc) : "",
            },
            ["list_stats"] = new JsonObject { ["sub_rate"] = 14.0, ["unsub_rate"] = 1.0, ["open_rate"] = 34.5, ["click_rate"] = 3.9 },
            ["ecommerce"] = new JsonObject
            {
                ["total_orders"] = r.TotalOrders,
                ["total_spent"] = r.TotalRevenueCents / 100m,
                ["total_revenue"] = r.TotalRevenueCents / 100m,
                ["currency_code"] = "EUR",
            },
            ["delivery_status"] = new JsonObject { ["enabled"] = false },
        };
    }

    /// <summary>Older campaigns' reports lack the proxy_excluded_* keys altogether (not 0, not null).</summary>
    private static JsonObject OpensJson(MailchimpReportStats r)
    {
        var opens = new JsonObject { ["opens_total"] = r.OpensTotal };
        if (r.ProxyExcludedOpens is { } humanOpens)
        {
            opens["proxy_excluded_opens"] = humanOpens;
        }

        opens["unique_opens"] = r.UniqueOpens;
        if (r.ProxyExcludedUniqueOpens is { } humanUnique)
        {
            opens["proxy_excluded_unique_opens"] = humanUnique;
        }

        opens["open_rate"] = r.OpenRate;
        if (r.ProxyExcludedOpenRate is { } humanRate)
        {
            opens["proxy_excluded_open_rate"] = humanRate;
        }

        opens["last_open"] = r.LastOpen is { } lo ? Time(lo) : "";
        return opens;
    }

    private static Task Unsubscribed(HttpContext ctx, SandboxState state, MailchimpCampaign c)
    {
        var mc = state.World.Mailchimp;
        var indexes = mc.UnsubscribedMemberIndexes(c, state.World.ReadGeneration).ToList();
        return Page(ctx, "unsubscribes", indexes, i =>
        {
            var m = mc.Member(c.List, i);
            return new JsonObject
            {
                ["email_id"] = m.Id,
                ["email_address"] = m.EmailAddress,
                ["merge_fields"] = new JsonObject { ["FNAME"] = m.FirstName, ["LNAME"] = m.LastName },
                ["vip"] = false,
                ["timestamp"] = Time(c.SendTime!.Value.AddHours(1 + (i % 72))),
                ["reason"] = (i % 3) switch { 0 => "N/A (Unsubscribed by Link)", 1 => "I no longer want to receive these emails", _ => "The emails are spam" },
                ["campaign_id"] = c.Id,
                ["list_id"] = c.List.Id,
                ["list_is_active"] = true,
            };
        }, b => b["campaign_id"] = c.Id);
    }

    /// <summary>Mailchimp's ISO 8601 with an explicit +00:00 offset.</summary>
    private static string Time(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'", CultureInfo.InvariantCulture);
}
