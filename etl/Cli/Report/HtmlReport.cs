using System.Globalization;
using System.Net;
using System.Text;
using Pipeline.Cli.Kpi;

namespace Pipeline.Cli.Report;

/// <summary>
/// Renders <see cref="ReportData"/> as one self-contained HTML file: inline CSS, inline SVG, and a few lines of
/// script that only let a link open a tab (<c>report.html#marketing</c>); the tabs work without it (radio buttons
/// and CSS). Nothing is fetched from the network.
/// </summary>
internal static class HtmlReport
{
    public static string Render(ReportData data) => Render(data, mail: false);

    /// <summary>
    /// The mail body: one audience's panel, shown without tabs, radio buttons or script (mail clients drop scripts
    /// and form controls, and a panel hidden until its tab is checked would stay hidden). Same tiles and data.
    /// </summary>
    public static string RenderForMail(ReportData data, string audience)
    {
        ArgumentNullException.ThrowIfNull(data);
        var shown = data.Audiences.Where(a => a.Id == audience).ToList();
        if (shown.Count == 0)
        {
            throw new ArgumentException($"the report has no tab '{audience}'", nameof(audience));
        }

        return Render(data with { Audiences = shown }, mail: true);
    }

    private static string Render(ReportData data, bool mail)
    {
        ArgumentNullException.ThrowIfNull(data);
        var request = data.Request;
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        html.Append("<meta name=\"generator\" content=\"pipeline report\">\n");
        html.Append(CultureInfo.InvariantCulture, $"<title>Marketing KPI report · {E(ReportFormat.PeriodName(request.Range.Label))} · {E(ReportFormat.Range(request.Range))}</title>\n");
        html.Append("<style>").Append(Css).Append(mail ? MailCss : "").Append("</style>\n</head>\n<body>\n");

        html.Append("<header class=\"top\">\n<div>\n<h1>Marketing KPI report</h1>\n");
        html.Append(CultureInfo.InvariantCulture, $"<p class=\"period\"><strong>{E(ReportFormat.PeriodName(request.Range.Label))}</strong> · {E(ReportFormat.Range(request.Range))} <span class=\"vs\">compared with {E(ReportFormat.Range(request.Previous))}</span></p>\n</div>\n");
        html.Append("<dl class=\"facts\">");
        Fact(html, "Currency", data.Currency);
        Fact(html, "Data through", data.DataThrough is { } through ? ReportFormat.Day(through) : "no data");
        Fact(html, "Generated", request.GeneratedAt.UtcDateTime.ToString("d MMM yyyy HH:mm 'UTC'", CultureInfo.InvariantCulture));
        html.Append("</dl>\n</header>\n");
        // The ranges as data, for tools (and tests) that check the numbers against the marts.
        html.Append(CultureInfo.InvariantCulture, $"<main data-period=\"{E(request.Range.Label)}\" data-from=\"{Iso(request.Range.From)}\" data-to=\"{Iso(request.Range.To)}\" data-previous-from=\"{Iso(request.Previous.From)}\" data-previous-to=\"{Iso(request.Previous.To)}\">\n");

        for (var i = 0; i < data.Audiences.Count && !mail; i++)
        {
            var a = data.Audiences[i];
            html.Append(CultureInfo.InvariantCulture, $"<input type=\"radio\" name=\"tab\" class=\"tab-input\" id=\"tab-{a.Id}\"{(i == 0 ? " checked" : "")}>\n");
        }

        if (!mail)
        {
            html.Append("<nav class=\"tabs\" role=\"tablist\">");
            foreach (var a in data.Audiences)
            {
                html.Append(CultureInfo.InvariantCulture, $"<label class=\"tab\" role=\"tab\" for=\"tab-{a.Id}\" data-tab=\"{a.Id}\" aria-selected=\"{(a == data.Audiences[0] ? "true" : "false")}\">{E(a.Title)}<span class=\"count\">{a.Tiles.Count + a.MonthlyTiles.Count} KPIs</span></label>");
            }

            html.Append("</nav>\n");
        }

        foreach (var a in data.Audiences)
        {
            Panel(html, a, data);
        }

        Freshness(html, data.Freshness);
        html.Append("<footer>Every number is read from the warehouse's marts and never recomputed here: tiles from <code>mart.kpi_over_range</code> ");
        html.Append("(the period and the one it is compared with), trend lines from <code>mart.kpi_values</code>, targets from <code>mart.kpi_target_progress</code>, ");
        html.Append("anomalies from <code>mart.kpi_anomalies</code>, monthly KPIs from their dedicated views, freshness from <code>etl.v_stream_status</code>. ");
        html.Append("Change = (this period − previous) / |previous|, as in <code>mart.kpi_trends</code>; for rates the difference in percentage points (pp). Usual ranges of KPIs that cannot be negative start at 0. A tile shows progress only towards a target of its own period. Green and red follow each KPI's better-when; context KPIs stay grey, and so do partial (◐: not every day of the period loaded) and provisional (~: a source may still restate it) values, which say why. ");
        html.Append("Made by <code>pipeline report</code>.</footer>\n</main>\n");
        if (!mail)
        {
            html.Append("<script>").Append(Script).Append("</script>\n");
        }

        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    // The one panel of a mail is always shown (its tab's radio button is not there to check).
    private const string MailCss = "\n.panel { display: block; }\n";

    private static void Panel(StringBuilder html, AudienceReport a, ReportData data)
    {
        html.Append(CultureInfo.InvariantCulture, $"<section class=\"panel\" id=\"panel-{a.Id}\" data-audience=\"{a.Id}\" role=\"tabpanel\">\n");
        html.Append(CultureInfo.InvariantCulture, $"<p class=\"summary\">{E(a.Summary)}</p>\n");
        html.Append("<div class=\"tiles\">\n");
        foreach (var t in a.Tiles)
        {
            Tile(html, t, data.Request.Range);
        }

        html.Append("</div>\n");
        if (a.MonthlyTiles.Count > 0)
        {
            html.Append("<h2>Monthly KPIs <span class=\"hint\">growth, cohorts, retention and lifetime value from the marts' dedicated views: the last complete month of the period</span></h2>\n<div class=\"tiles monthly\">\n");
            foreach (var t in a.MonthlyTiles)
            {
                Tile(html, t, null);
            }

            html.Append("</div>\n");
        }

        if (a.Trends.Count > 0)
        {
            html.Append("<h2>Trends <span class=\"hint\"><i class=\"key now\"></i>this period <i class=\"key before\"></i>previous period</span></h2>\n<div class=\"grid\">\n");
            foreach (var t in a.Trends)
            {
                html.Append(CultureInfo.InvariantCulture, $"<figure class=\"card trend\" data-kpi=\"{t.Kpi.Id}\"><figcaption>{E(t.Kpi.Name)} <span class=\"hint\">by {t.Grain}</span></figcaption>{SvgChart.Line(t, t.Grain)}</figure>\n");
            }

            html.Append("</div>\n");
        }

        html.Append("<div class=\"grid\">\n");
        foreach (var b in a.Breakdowns)
        {
            html.Append(CultureInfo.InvariantCulture, $"<figure class=\"card breakdown\" data-kpi=\"{b.Kpi.Id}\"><figcaption>{E(b.Kpi.Name)} by channel <span class=\"hint\">bar: this period · tick: previous period</span></figcaption>{SvgChart.Bars(b)}</figure>\n");
        }

        if (a.Funnel.Count > 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<figure class=\"card funnel\"><figcaption>Funnel <span class=\"hint\">counts of the period; beside each stage its share of the stage before</span></figcaption>{SvgChart.Funnel(a.Funnel)}</figure>\n");
        }

        html.Append("</div>\n");
        if (a.Months is { Rows.Count: > 0 } months)
        {
            MonthTable(html, months, data.Currency);
        }

        foreach (var t in a.Tables)
        {
            Table(html, t, data.Currency);
        }

        Anomalies(html, a, data.Currency);
        if (a.Notes.Count > 0)
        {
            html.Append("<details class=\"notes\"><summary>Not shown as tiles</summary><ul>");
            foreach (var n in a.Notes)
            {
                html.Append(CultureInfo.InvariantCulture, $"<li>{E(n)}</li>");
            }

            html.Append("</ul></details>\n");
        }

        html.Append("</section>\n");
    }

    /// <param name="range">The report's range for its period tiles; null for monthly tiles.</param>
    private static void Tile(StringBuilder html, KpiTile t, Kpi.KpiRange? range)
    {
        var k = t.Kpi;
        var change = t.Change;
        // A partial or provisional value is greyed, never red or green: its change says more about loading than business.
        var incomplete = KpiStatus.IsIncomplete(t.Status);
        var tone = incomplete ? "neutral" : ReportFormat.Tone(k.BetterWhen, change);
        var value = KpiStatus.IsCostUnknown(t.Value, t.StatusReason) ? KpiStatus.CostUnknown : ReportFormat.Value(k.Id, k.Unit, t.Value, t.Currency);
        var tooltip = $"{k.Name}: {k.Description} Formula: {k.Formula}. Source: {t.Source}.";
        var statusClass = incomplete ? $" status-{t.Status}" : "";
        html.Append(CultureInfo.InvariantCulture, $"<article class=\"tile tone-{tone}{statusClass}\" data-kpi=\"{k.Id}\" data-value=\"{(t.Value is { } v ? ReportFormat.Raw(v) : "")}\" data-previous=\"{(t.Previous is { } p ? ReportFormat.Raw(p) : "")}\" data-source=\"{E(t.Source)}\" data-status=\"{E(t.Status)}\" title=\"{E(tooltip)}\">");
        html.Append(CultureInfo.InvariantCulture, $"<div class=\"tile-head\"><span class=\"tile-name\">{E(k.Name)}</span><span class=\"better\">{E(Better(k.BetterWhen))}</span></div>");
        html.Append(CultureInfo.InvariantCulture, $"<div class=\"tile-value\">{E(value)}</div>");
        var against = t.PeriodLabel is not null ? "previous month" : range is not null ? "previous period" : "previous";
        html.Append(CultureInfo.InvariantCulture, $"<div class=\"tile-change {tone}\">");
        if (change is not null)
        {
            html.Append(CultureInfo.InvariantCulture, $"<b>{E(ReportFormat.Change(change))}</b> <span>vs {E(ReportFormat.Value(k.Id, k.Unit, t.Previous, t.Currency))} {against}</span>");
        }
        else
        {
            html.Append(CultureInfo.InvariantCulture, $"<span>{(t.Previous is null ? $"no value in the {against}" : $"{E(ReportFormat.Value(k.Id, k.Unit, t.Previous, t.Currency))} {against}")}</span>");
        }

        html.Append("</div>");
        html.Append(SvgChart.Sparkline(t.Series, tone));
        if (incomplete || KpiStatus.HasReasonToShow(t.Status, t.Value, t.StatusReason))
        {
            // Why, in words: "provisional: 42 deals created in the period still open", "partial: meta … not loaded …".
            html.Append(CultureInfo.InvariantCulture, $"<div class=\"tile-status\">{E(KpiStatus.Marker(t.Status))} {E(KpiStatus.Summarize(t.Status, [t.StatusReason]))}</div>");
        }

        if (t.PeriodLabel is not null)
        {
            html.Append(CultureInfo.InvariantCulture, $"<div class=\"tile-period\">{E(t.PeriodLabel)} · {E(t.Source)}</div>");
        }

        if (t.Target is { } target)
        {
            var pct = target.PctAchieved ?? 0;
            var status = target.Status.Replace(' ', '-');
            var period = $"{ReportFormat.ShortDay(target.From)} – {ReportFormat.ShortDay(target.To)}";
            // Additive targets fill up over the range: the marker shows where a straight-line pace would be today.
            var pace = target.DaysTotal > 0 && k.Additivity == "Additive" ? (double)target.DaysElapsed / target.DaysTotal : (double?)null;
            html.Append(CultureInfo.InvariantCulture, $"<div class=\"target\" data-status=\"{E(target.Status)}\" title=\"Target {E(period)}: {E(ReportFormat.Value(k.Id, k.Unit, target.Target, t.Currency))}; actual so far {E(ReportFormat.Value(k.Id, k.Unit, target.Actual, t.Currency))}; projected {E(ReportFormat.Value(k.Id, k.Unit, target.Projected, t.Currency))} (mart.kpi_target_progress)\">");
            html.Append(CultureInfo.InvariantCulture, $"<div class=\"meter\"><span class=\"fill {status}\" style=\"width:{ReportFormat.Px(Math.Clamp(pct, 0, 1) * 100)}%\"></span>{(pace is { } x ? $"<i class=\"pace\" style=\"left:{ReportFormat.Px(Math.Clamp(x, 0, 1) * 100)}%\"></i>" : "")}</div>");
            html.Append(CultureInfo.InvariantCulture, $"<div class=\"target-text\"><b>{E((pct * 100).ToString("N0", CultureInfo.InvariantCulture))}%</b> of {E(ReportFormat.Value(k.Id, k.Unit, target.Target, t.Currency))} target ({E(period)}) <em class=\"status {status}\">{E(target.Status)}</em></div>");
            html.Append("</div>");
        }
        else if (t.OtherPeriodTarget is { } other && range is not null)
        {
            // Progress towards another period's target would mix two periods: name the period and where to read it.
            var (name, view) = ReportPeriods.Describe(range, other.From, other.To);
            var see = view is null ? "" : $": see the {ViewName(view)} view (pipeline report --period {view})";
            html.Append(CultureInfo.InvariantCulture, $"<div class=\"target other-period\" data-target-from=\"{Iso(other.From)}\" data-target-to=\"{Iso(other.To)}\">");
            html.Append(CultureInfo.InvariantCulture, $"<div class=\"target-text\">Target {E(ReportFormat.Value(k.Id, k.Unit, other.Target, t.Currency))} is for {E(name)}{E(see)}</div></div>");
        }

        html.Append("</article>\n");
    }

    private static string ViewName(string period) => period switch
    {
        "mtd" or "last-month" => "month",
        "qtd" or "last-quarter" => "quarter",
        _ => "year",
    };

    private static string Better(string betterWhen) => betterWhen switch
    {
        "Higher" => "↑ better",
        "Lower" => "↓ better",
        _ => "context",
    };

    private static void Table(StringBuilder html, SegmentTable table, string currency)
    {
        html.Append(CultureInfo.InvariantCulture, $"<div class=\"card table\"><h3>{E(table.Title)} <span class=\"hint\">{E(table.Caption)}</span></h3><table><thead><tr><th>Campaign</th>");
        foreach (var c in table.Columns)
        {
            html.Append(CultureInfo.InvariantCulture, $"<th class=\"num\">{E(c.Header + (c.Unit == "Currency" ? $" ({currency})" : ""))}</th>");
        }

        html.Append("</tr></thead><tbody>");
        var reasons = new List<string>();
        foreach (var r in table.Rows)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(r.Segment)}</td>");
            for (var i = 0; i < table.Columns.Count; i++)
            {
                var c = table.Columns[i];
                if (r.Missing.ElementAtOrDefault(i) is { } reason)
                {
                    // Unknown rather than 0: a dash, the reason on hover and once below the table.
                    if (!reasons.Contains(reason))
                    {
                        reasons.Add(reason);
                    }

                    html.Append(CultureInfo.InvariantCulture, $"<td class=\"num missing\" title=\"{E(reason)}\">—<sup>{reasons.IndexOf(reason) + 1}</sup></td>");
                    continue;
                }

                var text = r.Cells[i] is null ? "" : ReportFormat.Value(c.Part == KpiPart.Value ? c.Kpi.Id : "", c.Unit, r.Cells[i], null);
                html.Append(CultureInfo.InvariantCulture, $"<td class=\"num\">{E(text)}</td>");
            }

            html.Append("</tr>");
        }

        html.Append("</tbody></table>");
        foreach (var reason in reasons)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"footnote\"><sup>{reasons.IndexOf(reason) + 1}</sup> — {E(reason)}</p>");
        }

        html.Append("</div>\n");
    }

    /// <summary>
    /// The months of the whole business, a partial (◐) or provisional (~) month marked and greyed, with its reasons in
    /// words in the last column; blended and paid ROI and CAC side by side.
    /// </summary>
    private static void MonthTable(StringBuilder html, MonthTable table, string currency)
    {
        html.Append("<div class=\"card table months\"><h3>By month <span class=\"hint\">whole business from mart.kpi_values; ");
        html.Append(CultureInfo.InvariantCulture, $"{KpiStatus.PartialMarker} partial: not every day loaded from every source · {KpiStatus.ProvisionalMarker} provisional: a source may still restate it (open deals, platform lookback) · blended = all revenue ÷ all marketing cost, paid = revenue of channels with a cost source ÷ their cost</span></h3>");
        html.Append("<table><thead><tr><th>Month</th>");
        foreach (var c in table.Columns)
        {
            html.Append(CultureInfo.InvariantCulture, $"<th class=\"num\">{E(c.Header + (c.Unit == "Currency" ? $" ({currency})" : ""))}</th>");
        }

        html.Append("<th>Status</th></tr></thead><tbody>");
        foreach (var r in table.Rows)
        {
            var marker = KpiStatus.Marker(r.Status);
            html.Append(CultureInfo.InvariantCulture, $"<tr class=\"status-{E(r.Status)}\" data-month=\"{Iso(r.Month)}\" data-status=\"{E(r.Status)}\"><td>{E(r.Month.ToString("MMM yyyy", CultureInfo.InvariantCulture))}{(marker.Length > 0 ? " " + E(marker) : "")}</td>");
            for (var i = 0; i < table.Columns.Count; i++)
            {
                var c = table.Columns[i];
                var text = r.Missing.ElementAtOrDefault(i) ?? (r.Cells[i] is null ? "–" : ReportFormat.Value(c.Part == KpiPart.Value ? c.Kpi.Id : "", c.Unit, r.Cells[i], null));
                html.Append(CultureInfo.InvariantCulture, $"<td class=\"num\">{E(text)}</td>");
            }

            var words = r.Reasons.Count > 0 || KpiStatus.IsIncomplete(r.Status) ? KpiStatus.Summarize(r.Status, r.Reasons) : "complete";
            html.Append(CultureInfo.InvariantCulture, $"<td class=\"month-status\">{E(words)}</td></tr>");
        }

        html.Append("</tbody></table></div>\n");
    }

    private static void Anomalies(StringBuilder html, AudienceReport a, string currency)
    {
        html.Append(CultureInfo.InvariantCulture, $"<div class=\"card anomalies\"><h3>Anomalies of the period <span class=\"hint\">days a KPI left its usual range (median ± 3 robust deviations of the 28 days before, from 0 for KPIs that cannot be negative; mart.kpi_anomalies)</span></h3>");
        if (a.Anomalies.Count == 0)
        {
            html.Append("<p class=\"empty\">No KPI of this tab left its usual range in the period.</p></div>\n");
            return;
        }

        if (a.AnomalyCount > a.Anomalies.Count)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"hint\">{a.AnomalyCount} in the period; the {a.Anomalies.Count} most recent are listed.</p>");
        }

        html.Append("<table><thead><tr><th>Day</th><th>KPI</th><th>Segment</th><th class=\"num\">Value</th><th class=\"num\">Usual range</th><th class=\"num\">Deviation</th><th>Reading</th></tr></thead><tbody>");
        foreach (var x in a.Anomalies)
        {
            var money = x.Unit == "Currency" ? currency : null;
            var arrow = x.Direction == "up" ? "▲" : "▼";
            html.Append(CultureInfo.InvariantCulture, $"<tr class=\"{E(x.Assessment)}\" data-kpi=\"{x.KpiId}\"><td>{E(ReportFormat.ShortDay(x.Date))}</td><td>{E(x.KpiName)}</td><td>{E(x.SegmentType == "all" ? "All" : x.Segment)}</td>");
            html.Append(CultureInfo.InvariantCulture, $"<td class=\"num\">{E(ReportFormat.Value(x.KpiId, x.Unit, x.Value, money))}</td>");
            html.Append(CultureInfo.InvariantCulture, $"<td class=\"num\">{E(ReportFormat.Value(x.KpiId, x.Unit, x.Lower, money))} – {E(ReportFormat.Value(x.KpiId, x.Unit, x.Upper, money))}</td>");
            html.Append(CultureInfo.InvariantCulture, $"<td class=\"num\">{arrow} {E(Math.Abs(x.RobustZ).ToString("0.0", CultureInfo.InvariantCulture))} σ</td><td><span class=\"pill {E(x.Assessment)}\">{E(x.Assessment)}</span></td></tr>");
        }

        html.Append("</tbody></table></div>\n");
    }

    private static void Freshness(StringBuilder html, IReadOnlyList<SourceFreshness> sources)
    {
        html.Append("<section class=\"card freshness\"><h3>Data freshness <span class=\"hint\">per source, from etl.v_stream_status; data through = last day with rows in dw.kpi_measure_daily</span></h3>");
        if (sources.Count == 0)
        {
            html.Append("<p class=\"empty\">No source has been synced into this warehouse yet.</p></section>\n");
            return;
        }

        html.Append("<table><thead><tr><th>Source</th><th class=\"num\">Streams</th><th>Last successful sync</th><th class=\"num\">Oldest stream synced</th><th>Data through</th><th>Status</th></tr></thead><tbody>");
        foreach (var s in sources)
        {
            var (state, text) = s.Failing > 0 ? ("bad", $"{s.Failing} stream(s) failing")
                : s.HoursSinceOldest is null ? ("bad", "never succeeded")
                : s.HoursSinceOldest > 26 ? ("warn", "stale")
                : ("good", "fresh");
            var hours = s.HoursSinceOldest is { } h ? (h < 1 ? "under an hour ago" : h.ToString("N0", CultureInfo.InvariantCulture) + " h ago") : "–";
            html.Append(CultureInfo.InvariantCulture, $"<tr data-source=\"{E(s.Source)}\"><td>{E(SourceName(s.Source))}</td><td class=\"num\">{s.Streams}</td>");
            html.Append(CultureInfo.InvariantCulture, $"<td>{E(s.LastSuccess?.ToString("d MMM yyyy HH:mm", CultureInfo.InvariantCulture) ?? "–")}</td><td class=\"num\">{E(hours)}</td>");
            html.Append(CultureInfo.InvariantCulture, $"<td>{E(s.DataThrough is { } d ? ReportFormat.Day(d) : "–")}</td>");
            html.Append(CultureInfo.InvariantCulture, $"<td><span class=\"pill {state}\"{(s.LastError is { } e ? $" title=\"{E(e)}\"" : "")}>{E(text)}</span></td></tr>");
        }

        html.Append("</tbody></table></section>\n");
    }

    private static string SourceName(string source) => source switch
    {
        "ga4" => "Google Analytics 4",
        "meta" => "Meta Ads",
        "mailchimp" => "Mailchimp",
        "hubspot" => "HubSpot",
        "files" => "Files (costs, NPS, targets, FX)",
        _ => source,
    };

    private static void Fact(StringBuilder html, string name, string value) =>
        html.Append(CultureInfo.InvariantCulture, $"<div><dt>{E(name)}</dt><dd>{E(value)}</dd></div>");

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    // Opens the tab a link names (report.html#marketing), keeps the address and aria-selected in step; CSS does the rest.
    private const string Script =
        """
        (function () {
          var labels = document.querySelectorAll('.tab');
          var mark = function () {
            labels.forEach(function (label) {
              var input = document.getElementById(label.htmlFor);
              label.setAttribute('aria-selected', input && input.checked ? 'true' : 'false');
            });
          };
          var pick = function () {
            var input = document.getElementById('tab-' + location.hash.slice(1));
            if (input) { input.checked = true; }
            mark();
          };
          pick();
          window.addEventListener('hashchange', pick);
          document.querySelectorAll('.tab-input').forEach(function (input) {
            input.addEventListener('change', function () {
              mark();
              try { history.replaceState(null, '', '#' + input.id.slice(4)); } catch (e) { /* file: URLs may refuse */ }
            });
          });
        })();
        """;

    private const string Css =
        """
        :root { --ink: #0f172a; --muted: #64748b; --line: #e2e8f0; --bg: #f5f7fb; --card: #fff; --primary: #2563eb;
                --good: #15803d; --good-bg: #dcfce7; --bad: #b91c1c; --bad-bg: #fee2e2; --warn: #b45309; --warn-bg: #fef3c7; }
        * { box-sizing: border-box; }
        body { margin: 0; background: var(--bg); color: var(--ink); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
        header.top { display: flex; justify-content: space-between; align-items: flex-end; gap: 24px; padding: 22px 32px 18px;
                     background: linear-gradient(120deg, #0f172a, #1e3a8a); color: #fff; }
        h1 { margin: 0 0 4px; font-size: 24px; letter-spacing: -0.01em; }
        .period { margin: 0; font-size: 15px; color: #dbeafe; } .period .vs { color: #93c5fd; margin-left: 6px; }
        .facts { display: flex; gap: 22px; margin: 0; } .facts div { text-align: right; }
        .facts dt { font-size: 11px; text-transform: uppercase; letter-spacing: .06em; color: #93c5fd; } .facts dd { margin: 0; font-weight: 600; }
        main { padding: 0 32px 32px; max-width: 1500px; margin: 0 auto; }
        .tab-input { position: absolute; opacity: 0; pointer-events: none; }
        .tabs { display: flex; gap: 4px; margin: 18px 0 4px; border-bottom: 1px solid var(--line); }
        .tab { padding: 10px 18px 9px; cursor: pointer; font-weight: 600; color: var(--muted); border-bottom: 3px solid transparent; margin-bottom: -1px; }
        .tab .count { margin-left: 8px; font-size: 11px; font-weight: 500; color: var(--muted); background: #e2e8f0; border-radius: 10px; padding: 1px 7px; }
        .tab:hover { color: var(--ink); }
        .panel { display: none; }
        #tab-executive:checked ~ #panel-executive, #tab-marketing:checked ~ #panel-marketing, #tab-specialist:checked ~ #panel-specialist { display: block; }
        #tab-executive:checked ~ .tabs [for=tab-executive], #tab-marketing:checked ~ .tabs [for=tab-marketing],
        #tab-specialist:checked ~ .tabs [for=tab-specialist] { color: var(--primary); border-bottom-color: var(--primary); }
        .tab-input:focus-visible ~ .tabs .tab { outline: none; }
        .summary { color: var(--muted); margin: 12px 0 14px; font-size: 15px; }
        h2 { font-size: 16px; margin: 26px 0 10px; } h3 { font-size: 15px; margin: 0 0 10px; }
        .hint { font-size: 12px; font-weight: 400; color: var(--muted); margin-left: 6px; }
        .key { display: inline-block; width: 18px; height: 0; vertical-align: middle; margin: 0 4px 0 10px; border-top: 3px solid var(--primary); }
        .key.before { border-top: 2px dashed #94a3b8; }
        .tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(250px, 1fr)); gap: 14px; }
        .tile { background: var(--card); border-radius: 12px; padding: 14px 16px 12px; box-shadow: 0 1px 2px rgba(15,23,42,.06), 0 1px 8px rgba(15,23,42,.04);
                border-top: 4px solid #cbd5e1; display: flex; flex-direction: column; gap: 2px; min-height: 150px; }
        .tile.tone-good { border-top-color: #22c55e; } .tile.tone-bad { border-top-color: #ef4444; }
        .tile.status-partial, .tile.status-provisional { background: #f1f5f9; border-top-style: dashed; } .tile.status-partial .tile-value, .tile.status-provisional .tile-value { color: #64748b; }
        .tile-status { font-size: 11.5px; color: #475569; margin-top: 4px; font-style: italic; }
        tr.status-partial td, tr.status-provisional td { color: var(--muted); background: #f8fafc; } td.month-status { font-size: 12px; }
        .tile-head { display: flex; justify-content: space-between; align-items: baseline; gap: 8px; }
        .tile-name { font-weight: 600; color: #334155; } .better { font-size: 11px; color: #94a3b8; white-space: nowrap; }
        .tile-value { font-size: 28px; font-weight: 700; letter-spacing: -0.02em; line-height: 1.2; margin-top: 2px; }
        .tile-change { font-size: 12.5px; color: var(--muted); } .tile-change b { font-weight: 700; }
        .tile-change.good b { color: var(--good); } .tile-change.bad b { color: var(--bad); } .tile-change.neutral b { color: #475569; }
        .spark { display: block; margin-top: 6px; width: 100%; height: 40px; }
        .tile-period { font-size: 11.5px; color: var(--muted); margin-top: 4px; }
        .target { margin-top: 8px; }
        .meter { position: relative; height: 7px; background: #e2e8f0; border-radius: 4px; overflow: visible; }
        .meter .fill { display: block; height: 100%; border-radius: 4px; background: var(--primary); }
        .meter .fill.on-track, .meter .fill.achieved { background: #22c55e; } .meter .fill.off-track, .meter .fill.missed { background: #f97316; }
        .meter .pace { position: absolute; top: -3px; width: 2px; height: 13px; background: var(--ink); }
        .target-text { font-size: 11.5px; color: var(--muted); margin-top: 5px; }
        .footnote { font-size: 11.5px; color: var(--muted); margin: 6px 0 0; } td.missing { color: var(--muted); cursor: help; }
        .status { font-style: normal; font-weight: 600; margin-left: 4px; padding: 0 6px; border-radius: 8px; }
        .status.on-track, .status.achieved { color: var(--good); background: var(--good-bg); }
        .status.off-track, .status.missed { color: var(--warn); background: var(--warn-bg); }
        .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 14px; margin-top: 14px; }
        .card { background: var(--card); border-radius: 12px; padding: 14px 16px; margin: 0; box-shadow: 0 1px 2px rgba(15,23,42,.06), 0 1px 8px rgba(15,23,42,.04); }
        figcaption { font-weight: 600; margin-bottom: 6px; }
        .chart { display: block; font-family: inherit; }
        .table, .anomalies, .freshness { margin-top: 14px; overflow-x: auto; }
        table { width: 100%; border-collapse: collapse; font-size: 13px; }
        th { text-align: left; font-size: 11.5px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); font-weight: 600; padding: 6px 8px; border-bottom: 1px solid var(--line); }
        td { padding: 7px 8px; border-bottom: 1px solid #f1f5f9; } tbody tr:hover { background: #f8fafc; }
        .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        .pill { display: inline-block; padding: 1px 9px; border-radius: 10px; font-size: 12px; font-weight: 600; background: #e2e8f0; color: #334155; }
        .pill.good { background: var(--good-bg); color: var(--good); } .pill.bad { background: var(--bad-bg); color: var(--bad); }
        .pill.warn, .pill.watch { background: var(--warn-bg); color: var(--warn); }
        .empty { color: var(--muted); margin: 4px 0; }
        .notes { margin-top: 14px; color: var(--muted); font-size: 12.5px; } .notes summary { cursor: pointer; }
        footer { margin-top: 18px; color: var(--muted); font-size: 12px; line-height: 1.6; }
        code { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #eef2f7; padding: 0 4px; border-radius: 4px; }
        @media print { .panel { display: block !important; page-break-before: always; } .tabs { display: none; } body { background: #fff; } }
        """;
}
