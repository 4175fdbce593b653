using System.Globalization;
using System.Text;
using System.Text.Json;
using Pipeline.Sandbox.World;

namespace Pipeline.Sandbox.Meta;

/// <summary>A parsed insights request (same parameters for the sync GET and the async POST).</summary>
internal sealed record MetaInsightsQuery(
    string Level, IReadOnlyList<string> Fields, DateOnly Since, DateOnly Until, int? TimeIncrementDays,
    IReadOnlyList<string> Breakdowns, IReadOnlyList<string> AttributionWindows, int Limit)
{
    /// <summary>time_increment=monthly: one bucket per calendar month, clipped to the range.</summary>
    public bool Monthly { get; init; }

    /// <summary>The <c>filtering</c> parameter, every entry applied (AND).</summary>
    public IReadOnlyList<MetaFilter> Filters { get; init; } = [];

    public static readonly string[] Levels = ["account", "campaign", "adset", "ad"];

    public static readonly HashSet<string> KnownFields =
    [
        "account_id", "account_name", "account_currency", "campaign_id", "campaign_name", "adset_id", "adset_name", "ad_id", "ad_name",
        "objective", "date_start", "date_stop", "impressions", "reach", "frequency", "clicks", "inline_link_clicks", "spend", "cpc", "cpm",
        "ctr", "actions", "action_values", "cost_per_action_type",
    ];

    /// <summary>Windows Meta still returns (7d_view and 28d_view stopped on 2026-01-12 and are ignored).</summary>
    private static readonly HashSet<string> SupportedWindows = ["1d_click", "7d_click", "28d_click", "1d_view"];

    public static (MetaInsightsQuery? Query, string? Error) Parse(IReadOnlyDictionary<string, string> p, DateOnly today, IReadOnlyList<MetaBreakdown> breakdownsOfAccount)
    {
        var level = p.GetValueOrDefault("level") ?? "account";
        if (!Levels.Contains(level))
        {
            return (null, "param level must be one of {ad, adset, campaign, account}");
        }

        var fields = ListParam(p.GetValueOrDefault("fields")) ?? ["impressions", "spend"];
        var unknown = fields.FirstOrDefault(f => !KnownFields.Contains(f));
        if (unknown is not null)
        {
            return (null, $"{unknown} is not valid for fields param. please check https://developers.facebook.com/docs/marketing-api/reference/ads-insights/ for all valid values");
        }

        DateOnly since, until;
        if (p.GetValueOrDefault("time_range") is { } range)
        {
            try
            {
                using var doc = JsonDocument.Parse(range);
                since = DateOnly.ParseExact(doc.RootElement.GetProperty("since").GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture);
                until = DateOnly.ParseExact(doc.RootElement.GetProperty("until").GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is JsonException or FormatException or KeyNotFoundException or InvalidOperationException or ArgumentNullException)
            {
                return (null, "param time_range must be a JSON object {\"since\":\"YYYY-MM-DD\",\"until\":\"YYYY-MM-DD\"}");
            }

            if (until < since)
            {
                return (null, "time_range.until must not be before time_range.since");
            }
        }
        else
        {
            // Presets count from "today" in the ad account's time zone. The sandbox world pins today to its last day
            // (WorldOptions.EndDate) for every account, so presets are computed from that day; all but today and
            // maximum exclude today, as Meta's do.
            var preset = p.GetValueOrDefault("date_preset") ?? "last_30d";
            var monthStart = new DateOnly(today.Year, today.Month, 1);
            (since, until) = preset switch
            {
                "today" => (today, today),
                "yesterday" => (today.AddDays(-1), today.AddDays(-1)),
                "last_3d" => (today.AddDays(-3), today.AddDays(-1)),
                "last_7d" => (today.AddDays(-7), today.AddDays(-1)),
                "last_14d" => (today.AddDays(-14), today.AddDays(-1)),
                "last_28d" => (today.AddDays(-28), today.AddDays(-1)),
                "last_30d" => (today.AddDays(-30), today.AddDays(-1)),
                "last_90d" => (today.AddDays(-90), today.AddDays(-1)),
                "this_month" => (monthStart, today),
                "last_month" => (monthStart.AddMonths(-1), monthStart.AddDays(-1)),
                "maximum" => (today.AddMonths(-37), today),
                _ => (DateOnly.MinValue, DateOnly.MinValue),
            };
            if (since == DateOnly.MinValue)
            {
                return (null, "param date_preset must be one of {today, yesterday, last_3d, last_7d, last_14d, last_28d, last_30d, last_90d, this_month, last_month, maximum}");
            }
        }

        int? increment = null;
        var incrementText = p.GetValueOrDefault("time_increment") ?? "all_days";
        var monthly = incrementText == "monthly";
        if (incrementText is not ("all_days" or "monthly"))
        {
            if (!int.TryParse(incrementText, NumberStyles.None, CultureInfo.InvariantCulture, out var days) || days is < 1 or > 90)
            {
                return (null, "param time_increment must be monthly, all_days or an integer between 1 and 90");
            }

            increment = days;
        }

        var breakdowns = ListParam(p.GetValueOrDefault("breakdowns")) ?? [];
        var badBreakdown = breakdowns.FirstOrDefault(b => breakdownsOfAccount.All(x => x.Name != b));
        if (badBreakdown is not null)
        {
            return (null, "breakdowns[0] must be one of the following values: " + string.Join(", ", breakdownsOfAccount.Select(x => x.Name)));
        }

        var windows = (ListParam(p.GetValueOrDefault("action_attribution_windows")) ?? []).Where(SupportedWindows.Contains).ToList();
        var limit = 25;
        if (p.GetValueOrDefault("limit") is { } limitText && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1))
        {
            return (null, "param limit must be a positive integer");
        }

        var (filters, filterError) = MetaFilter.Parse(p.GetValueOrDefault("filtering"), MetaFilter.InsightsFields);
        if (filterError is not null)
        {
            return (null, filterError);
        }

        return (new MetaInsightsQuery(level, fields, since, until, increment, breakdowns, windows, Math.Min(limit, 5000)) { Monthly = monthly, Filters = filters }, null);
    }

    /// <summary>Meta accepts list parameters as JSON arrays or comma-separated text.</summary>
    public static List<string>? ListParam(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        text = text.Trim();
        if (text.StartsWith('['))
        {
            try
            {
                return JsonSerializer.Deserialize<List<string>>(text) ?? [];
            }
            catch (JsonException)
            {
                return [text];
            }
        }

        return text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
    }
}

/// <summary>
/// Produces insights rows in a fixed order (time bucket, entity, breakdown combination). Cursors encode the position
/// in that order, so each page costs only its own rows no matter how deep the paging goes.
/// </summary>
internal sealed class MetaInsightsEngine(MetaWorld meta, MetaAdAccount account, MetaInsightsQuery query, int generation)
{
    private readonly IReadOnlyList<MetaBreakdown> breakdowns =
        query.Breakdowns.Select(b => meta.BreakdownsOf(account.AccountId).First(x => x.Name == b)).ToList();

    public sealed record Row(
        DateOnly Start, DateOnly Stop, object? Entity, string[] BreakdownValues,
        long Impressions, long Reach, long Clicks, long LinkClicks, long LandingPageViews, long PostEngagement, long SpendCents,
        long Leads7dClick, long Leads1dView, long Purchases7dClick, long Purchases1dView, long PurchaseValue7dClick, long PurchaseValue1dView);

    public readonly record struct Position(int Bucket, int Entity, int Combo);

    private IReadOnlyList<object> Entities => query.Level switch
    {
        "account" => [account],
        "campaign" => meta.Campaigns.Where(c => c.AccountId == account.AccountId).ToList<object>(),
        "adset" => meta.AdSets.Where(s => s.Campaign.AccountId == account.AccountId).ToList<object>(),
        _ => meta.Ads.Where(a => a.Campaign.AccountId == account.AccountId).ToList<object>(),
    };

    private int Combos => breakdowns.Aggregate(1, (n, b) => n * b.Values.Count);

    private List<(DateOnly Start, DateOnly Stop)> Buckets()
    {
        var result = new List<(DateOnly, DateOnly)>();
        if (query.Monthly)
        {
            for (var d = query.Since; d <= query.Until; d = new DateOnly(d.Year, d.Month, 1).AddMonths(1))
            {
                var stop = new DateOnly(d.Year, d.Month, 1).AddMonths(1).AddDays(-1);
                result.Add((d, stop > query.Until ? query.Until : stop));
            }

            return result;
        }

        if (query.TimeIncrementDays is not { } step)
        {
            result.Add((query.Since, query.Until));
            return result;
        }

        for (var d = query.Since; d <= query.Until; d = d.AddDays(step))
        {
            var stop = d.AddDays(step - 1);
            result.Add((d, stop > query.Until ? query.Until : stop));
        }

        return result;
    }

    public long EstimatedRows() => (long)Buckets().Count * Entities.Count * Combos;

    /// <summary>
    /// Rows from <paramref name="from"/> on, up to the limit. <c>Next</c> is where the following page starts, or null at the
    /// end; <c>After</c> is always a position behind the returned rows (past the end on the last page).
    /// </summary>
    public (List<Row> Rows, Position? Next, Position After) Page(Position from, int limit)
    {
        var buckets = Buckets();
        var entities = Entities;
        var combos = Combos;
        var rows = new List<Row>();
        for (var b = from.Bucket; b < buckets.Count; b++)
        {
            for (var e = b == from.Bucket ? from.Entity : 0; e < entities.Count; e++)
            {
                var ads = AdsOf(entities[e], buckets[b]);
                if (ads.Count == 0)
                {
                    continue;
                }

                var cells = Compute(ads, buckets[b], combos);
                for (var c = b == from.Bucket && e == from.Entity ? from.Combo : 0; c < combos; c++)
                {
                    if (cells[c].Impressions == 0)
                    {
                        continue;
                    }

                    if (rows.Count == limit)
                    {
                        return (rows, new Position(b, e, c), new Position(b, e, c));
                    }

                    rows.Add(cells[c] with { Entity = entities[e], Start = buckets[b].Start, Stop = buckets[b].Stop, BreakdownValues = ComboValues(c) });
                }
            }
        }

        return (rows, null, new Position(buckets.Count, 0, 0));
    }

    private List<MetaAd> AdsOf(object entity, (DateOnly Start, DateOnly Stop) bucket)
    {
        bool Active(MetaAd ad) => ad.Campaign.StartDate <= bucket.Stop && ad.Campaign.StopDate >= bucket.Start && query.Filters.All(f => f.Matches(ad));
        return entity switch
        {
            MetaAdAccount a => meta.Ads.Where(x => x.Campaign.AccountId == a.AccountId && Active(x)).ToList(),
            MetaCampaign c => meta.Ads.Where(x => x.Campaign.Id == c.Id && Active(x)).ToList(),
            MetaAdSet s => meta.Ads.Where(x => x.AdSet.Id == s.Id && Active(x)).ToList(),
            MetaAd ad => Active(ad) ? [ad] : [],
            _ => [],
        };
    }

    private Row[] Compute(List<MetaAd> ads, (DateOnly Start, DateOnly Stop) bucket, int combos)
    {
        var sums = new long[combos, 15];
        var reachMax = new long[combos];
        var parts = new int[combos];
        for (var day = bucket.Start; day <= bucket.Stop; day = day.AddDays(1))
        {
            foreach (var ad in ads)
            {
                var d = meta.AdDay(ad, day, generation);
                if (!d.HasDelivery)
                {
                    continue;
                }

                long[] totals =
                [
                    d.Impressions, d.Reach, d.Clicks, d.LinkClicks, d.LandingPageViews, d.PostEngagement, d.SpendCents,
                    d.Leads7dClick, d.Leads1dView, d.Purchases7dClick, d.Purchases1dView, d.PurchaseValueCents7dClick, d.PurchaseValueCents1dView,
                ];
                var weights = combos == 1 ? [1.0] : meta.SplitWeights(ad, day, breakdowns);
                for (var m = 0; m < totals.Length; m++)
                {
                    var split = combos == 1 ? [totals[m]] : MetaWorld.Split(totals[m], weights);
                    for (var c = 0; c < combos; c++)
                    {
                        sums[c, m] += split[c];
                        if (m == 1 && split[c] > 0)
                        {
                            reachMax[c] = Math.Max(reachMax[c], split[c]);
                            parts[c]++;
                        }
                    }
                }
            }
        }

        var rows = new Row[combos];
        for (var c = 0; c < combos; c++)
        {
            // Reach is people, not events: merging days or ads overlaps audiences.
            var reach = parts[c] <= 1 ? sums[c, 1] : Math.Max(reachMax[c], Det.Round(sums[c, 1] / (1 + (0.25 * Math.Log(parts[c])))));
            rows[c] = new Row(default, default, null, [], sums[c, 0], Math.Min(reach, sums[c, 0]), sums[c, 2], sums[c, 3], sums[c, 4], sums[c, 5], sums[c, 6],
                sums[c, 7], sums[c, 8], sums[c, 9], sums[c, 10], sums[c, 11], sums[c, 12]);
        }

        return rows;
    }

    private string[] ComboValues(int combo)
    {
        var values = new string[breakdowns.Count];
        for (var b = breakdowns.Count - 1; b >= 0; b--)
        {
            var n = breakdowns[b].Values.Count;
            values[b] = breakdowns[b].Values[combo % n];
            combo /= n;
        }

        return values;
    }

    public static string EncodeCursor(Position p) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"pos:{p.Bucket}:{p.Entity}:{p.Combo}")));

    public static Position? DecodeCursor(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return new Position(0, 0, 0);
        }

        try
        {
            var parts = Encoding.ASCII.GetString(Convert.FromBase64String(cursor)).Split(':');
            return parts.Length == 4 && parts[0] == "pos"
                ? new Position(int.Parse(parts[1], CultureInfo.InvariantCulture), int.Parse(parts[2], CultureInfo.InvariantCulture), int.Parse(parts[3], CultureInfo.InvariantCulture))
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public void WriteRow(Utf8JsonWriter w, Row r)
    {
        var fields = query.Fields;
        var spend = r.SpendCents / 100m;
        var c = r.Entity as MetaCampaign ?? (r.Entity as MetaAdSet)?.Campaign ?? (r.Entity as MetaAd)?.Campaign;
        var s = r.Entity as MetaAdSet ?? (r.Entity as MetaAd)?.AdSet;
        var ad = r.Entity as MetaAd;
        w.WriteStartObject();
        foreach (var f in fields)
        {
            switch (f)
            {
                case "account_id": w.WriteString(f, account.AccountId); break;
                case "account_name": w.WriteString(f, account.Name); break;
                case "account_currency": w.WriteString(f, account.Currency); break;
                case "campaign_id" when c is not null: w.WriteString(f, c.Id); break;
                case "campaign_name" when c is not null: w.WriteString(f, c.Name); break;
                case "objective" when c is not null: w.WriteString(f, c.Objective); break;
                case "adset_id" when s is not null: w.WriteString(f, s.Id); break;
                case "adset_name" when s is not null: w.WriteString(f, s.Name); break;
                case "ad_id" when ad is not null: w.WriteString(f, ad.Id); break;
                case "ad_name" when ad is not null: w.WriteString(f, ad.Name); break;
                case "impressions": w.WriteString(f, Int(r.Impressions)); break;
                case "reach": w.WriteString(f, Int(r.Reach)); break;
                case "frequency": w.WriteString(f, Dec(r.Reach == 0 ? 0 : (decimal)r.Impressions / r.Reach)); break;
                case "clicks": w.WriteString(f, Int(r.Clicks)); break;
                case "inline_link_clicks": w.WriteString(f, Int(r.LinkClicks)); break;
                case "spend": w.WriteString(f, spend.ToString("0.00", CultureInfo.InvariantCulture)); break;
                case "cpc" when r.Clicks > 0: w.WriteString(f, Dec(spend / r.Clicks)); break;
                case "cpm" when r.Impressions > 0: w.WriteString(f, Dec(spend / r.Impressions * 1000)); break;
                case "ctr" when r.Impressions > 0: w.WriteString(f, Dec((decimal)r.Clicks / r.Impressions * 100)); break;
                case "actions": WriteActions(w, f, r, money: false); break;
                case "action_values": WriteActions(w, f, r, money: true); break;
                case "cost_per_action_type": WriteCostPerAction(w, r); break;
                default: break;
            }
        }

        w.WriteString("date_start", r.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        w.WriteString("date_stop", r.Stop.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        for (var b = 0; b < breakdowns.Count; b++)
        {
            w.WriteString(breakdowns[b].Name, r.BreakdownValues[b]);
        }

        w.WriteEndObject();
    }

    private void WriteActions(Utf8JsonWriter w, string name, Row r, bool money)
    {
        var entries = money
            ? new List<(string Type, long Click7d, long View1d, bool Conversion)> { ("purchase", r.PurchaseValue7dClick, r.PurchaseValue1dView, true) }
            :
            [
                ("link_click", r.LinkClicks, 0, false),
                ("landing_page_view", r.LandingPageViews, 0, false),
                ("post_engagement", r.PostEngagement, 0, false),
                ("lead", r.Leads7dClick, r.Leads1dView, true),
                ("purchase", r.Purchases7dClick, r.Purchases1dView, true),
            ];
        entries.RemoveAll(e => e.Click7d + e.View1d == 0 || meta.ActionDropped(e.Type, r.Start));
        if (entries.Count == 0)
        {
            return;
        }

        string Format(long v) => money ? (v / 100m).ToString("0.00", CultureInfo.InvariantCulture) : Int(v);
        w.WriteStartArray(name);
        foreach (var (type, click7d, view1d, conversion) in entries)
        {
            w.WriteStartObject();
            w.WriteString("action_type", type);
            w.WriteString("value", Format(click7d + view1d));
            foreach (var window in query.AttributionWindows)
            {
                switch (window)
                {
                    case "7d_click": w.WriteString(window, Format(click7d)); break;
                    case "1d_click": w.WriteString(window, Format(conversion ? Det.Round(click7d * 0.7) : click7d)); break;
                    case "28d_click": w.WriteString(window, Format(conversion ? click7d + Det.Round(click7d * 0.1) : click7d)); break;
                    case "1d_view" when conversion: w.WriteString(window, Format(view1d)); break;
                    default: break;
                }
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private void WriteCostPerAction(Utf8JsonWriter w, Row r)
    {
        var spend = r.SpendCents / 100m;
        w.WriteStartArray("cost_per_action_type");
        foreach (var (type, count) in new[] { ("link_click", r.LinkClicks), ("landing_page_view", r.LandingPageViews), ("lead", r.Leads7dClick + r.Leads1dView), ("purchase", r.Purchases7dClick + r.Purchases1dView) })
        {
            if (count > 0 && !meta.ActionDropped(type, r.Start))
            {
                w.WriteStartObject();
                w.WriteString("action_type", type);
                w.WriteString("value", Dec(spend / count));
                w.WriteEndObject();
            }
        }

        w.WriteEndArray();
    }

    private static string Int(long v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Dec(decimal v) => Math.Round(v, 6).ToString("0.######", CultureInfo.InvariantCulture);
}
