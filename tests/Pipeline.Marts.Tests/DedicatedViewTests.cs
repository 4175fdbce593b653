using static Pipeline.Marts.Tests.MartsFixture;

namespace Pipeline.Marts.Tests;

/// <summary>
/// KPIs computed by dedicated views (cohorts, retention, funnel, trends) against the reference: customers from the
/// world's won deals (first company, else contact, else deal), leads from its contacts, previous periods from the
/// reference rows.
/// </summary>
public sealed class DedicatedViewTests
{
    /// <summary>KPIs whose kpi_values rows match the reference (see KpiValuesTests), to test trends on.</summary>
    private static readonly string[] TrendKpis = ["sessions", "users", "ctr", "cpc", "revenue", "aov", "win_rate", "cac", "roi", "nps", "email_open_rate"];

    /// <summary>Last CRM day: the latest deal create day or close day of a closed deal (archived deals excluded).</summary>
    private static DateOnly CrmEnd => SandboxWorld.Truth.HubSpotDealFacts().Where(d => !d.Archived)
        .Max(d => Max(ReferenceKpis.LocalDate(d.CreateDate), d.IsClosed && d.CloseDate is { } c ? ReferenceKpis.LocalDate(c) : DateOnly.MinValue));

    [Test]
    public void Customer_cohorts_match_the_reference()
    {
        var customers = Reference.Customers;
        var cohortOf = customers.ToDictionary(c => c.Key, c => Month(c.Value[0].Closed));
        var sizes = cohortOf.GroupBy(c => c.Value).ToDictionary(g => g.Key, g => g.Count());
        var lastMonth = Month(CrmEnd);
        var expected = new Dictionary<(DateOnly Cohort, DateOnly Month), double?[]>();
        foreach (var (cohort, size) in sizes)
        {
            // The cohort's own acquisition cost: all marketing cost of its cohort month.
            var cost = LtvTests.Cost(Reference.Measures("month").GetValueOrDefault((cohort, "all", ReferenceKpis.All)));
            var cumulative = 0m;
            for (var month = cohort; month <= lastMonth; month = month.AddMonths(1))
            {
                var deals = customers.Where(c => cohortOf[c.Key] == cohort)
                    .SelectMany(c => c.Value.Where(d => Month(d.Closed) == month).Select(d => (Customer: c.Key, d.Revenue))).ToList();
                var revenue = deals.Sum(d => d.Revenue);
                cumulative += revenue;
                var active = deals.Select(d => d.Customer).Distinct().Count();
                expected[(cohort, month)] =
                [
                    MonthsBetween(cohort, month), size, active, deals.Count, (double)revenue, (double)cumulative,
                    (double)active / size, (double)(cumulative / size),
                    cost is { } c ? (double)(c / size) : null, cost is { } k && k != 0 ? (double)(cumulative / k) : null,
                ];
            }
        }

        var actual = Query(
            """
            SELECT cohort_month, activity_month, months_since_first, cohort_customers, active_customers, won_deals, revenue,
                   cumulative_revenue, retention, ltv_historic, cohort_cac, ltv_to_cac
            FROM mart.customer_cohorts
            """).ToDictionary(r => (Date(r[0]), Date(r[1])), r => r[2..].Select(Dbl).ToArray());
        Assert.That(expected, Is.Not.Empty);
        Assert.That(Differences(expected, actual,
            ["months_since_first", "cohort_customers", "active_customers", "won_deals", "revenue", "cumulative_revenue", "retention", "ltv_historic", "cohort_cac", "ltv_to_cac"]), Is.Empty);
    }

    [Test]
    public void Customer_retention_churn_and_repeat_purchase_match_the_reference()
    {
        var customers = Reference.Customers;
        var firstWon = customers.Values.Min(c => c[0].Closed);
        var end = CrmEnd;
        var expected = new Dictionary<(string Grain, DateOnly Start), double?[]>();
        foreach (var (grain, months) in new[] { ("month", 1), ("quarter", 3) })
        {
            HashSet<string> ActiveIn(DateOnly start) =>
                customers.Where(c => c.Value.Any(d => d.Closed >= start && d.Closed < start.AddMonths(months))).Select(c => c.Key).ToHashSet();

            for (var start = ReferenceKpis.PeriodStart(grain, firstWon); start <= ReferenceKpis.PeriodStart(grain, end); start = start.AddMonths(months))
            {
                var periodEnd = start.AddMonths(months).AddDays(-1);
                var active = ActiveIn(start);
                var previous = ActiveIn(start.AddMonths(-months));
                var retained = active.Intersect(previous).Count();
                double? retention = previous.Count == 0 ? null : (double)retained / previous.Count;
                var toDate = customers.Count(c => c.Value[0].Closed <= periodEnd);
                var repeat = customers.Count(c => c.Value.Count >= 2 && c.Value[1].Closed <= periodEnd);
                expected[(grain, start)] =
                [
                    active.Count, previous.Count, retained, retention, 1 - retention, toDate, repeat, toDate == 0 ? null : (double)repeat / toDate,
                ];
            }
        }

        var actual = Query(
            """
            SELECT grain, period_start, active_customers, previous_active_customers, retained_customers, retention_rate, churn_rate,
                   customers_to_date, repeat_customers_to_date, repeat_purchase_rate
            FROM mart.customer_retention
            """).ToDictionary(r => ((string)r[0]!, Date(r[1])), r => r[2..].Select(Dbl).ToArray());
        Assert.That(Differences(expected, actual,
            ["active_customers", "previous_active_customers", "retained_customers", "retention_rate", "churn_rate", "customers_to_date", "repeat_customers_to_date", "repeat_purchase_rate"]), Is.Empty);
    }

    [Test]
    public void Funnel_lead_to_customer_rate_follows_each_months_leads()
    {
        // Cohort: contacts by the month of their lead date (else create date once past subscriber); customers among
        // them are those with a HubSpot customer lifecycle date, whenever it came.
        var leads = SandboxWorld.Truth.HubSpotContacts().Where(c => !c.Archived)
            .Select(c => (Contact: c, LeadAt: c.LeadDate ?? (c.LifecycleStage is "lead" or "marketingqualifiedlead" or "salesqualifiedlead" or "opportunity" or "customer" or "evangelist" ? c.CreateDate : null)))
            .Where(x => x.LeadAt is not null)
            .Select(x => (Month: Month(ReferenceKpis.LocalDate(x.LeadAt!.Value)), Channel: ReferenceKpis.HubSpotChannel(x.Contact.OriginalSource), Customer: x.Contact.CustomerDate is not null))
            .ToList();
        var expected = leads.GroupBy(l => (l.Month, ReferenceKpis.All))
            .Concat(leads.GroupBy(l => (l.Month, l.Channel)))
            .ToDictionary(g => g.Key, g => new double?[] { g.Count(), g.Count(l => l.Customer), (double)g.Count(l => l.Customer) / g.Count() });
        var actual = Query("SELECT period_start, channel, cohort_leads, cohort_customers, lead_to_customer_rate FROM mart.funnel_monthly WHERE cohort_leads > 0")
            .ToDictionary(r => (Date(r[0]), (string)r[1]!), r => r[2..].Select(Dbl).ToArray());
        Assert.That(expected, Is.Not.Empty);
        Assert.That(Differences(expected, actual, ["cohort_leads", "cohort_customers", "lead_to_customer_rate"]), Is.Empty);
    }

    [Test]
    public void Funnel_stage_counts_and_period_rates_are_the_month_figures()
    {
        double? MonthValue(string kpi, DateOnly start, string type, string segment) =>
            Reference.Rows.TryGetValue(new KpiKey(kpi, "month", start, type, segment), out var row) ? row.Value : null;

        var keys = Reference.Rows.Keys
            .Where(k => k.Grain == "month" && k.SegmentType is "all" or "channel" && k.Kpi is "sessions" or "leads" or "mqls" or "sqls" or "new_customers" or "revenue")
            .Select(k => (k.PeriodStart, k.SegmentType, k.Segment)).Distinct();
        var expected = new Dictionary<(DateOnly, string), double?[]>();
        foreach (var (start, type, segment) in keys)
        {
            var s = MonthValue("sessions", start, type, segment);
            var l = MonthValue("leads", start, type, segment);
            var m = MonthValue("mqls", start, type, segment);
            var q = MonthValue("sqls", start, type, segment);
            var c = MonthValue("new_customers", start, type, segment);
            expected[(start, segment)] = [s, l, m, q, c, MonthValue("revenue", start, type, segment), Div(l, s), Div(m, l), Div(q, m), Div(c, q)];
        }

        var actual = Query(
            """
            SELECT period_start, channel, sessions, leads, mqls, sqls, new_customers, revenue, session_to_lead_rate, lead_to_mql_rate,
                   mql_to_sql_rate, sql_to_customer_rate
            FROM mart.funnel_monthly
            WHERE COALESCE(sessions, leads, mqls, sqls, new_customers, revenue) IS NOT NULL
            """).ToDictionary(r => (Date(r[0]), (string)r[1]!), r => r[2..].Select(Dbl).ToArray());
        Assert.That(Differences(expected, actual,
            ["sessions", "leads", "mqls", "sqls", "new_customers", "revenue", "session_to_lead_rate", "lead_to_mql_rate", "mql_to_sql_rate", "sql_to_customer_rate"]), Is.Empty);
    }

    [TestCase("day")]
    [TestCase("week")]
    [TestCase("month")]
    [TestCase("quarter")]
    public void Kpi_trends_compare_with_the_previous_period_and_year(string grain)
    {
        var actual = Query(
            $"""
            SELECT kpi_id, grain, period_start, segment_type, segment, value, previous_period_start, previous_value, change, last_year_period_start, last_year_value
            FROM mart.kpi_trends WHERE grain = '{grain}' AND kpi_id IN ({string.Join(", ", TrendKpis.Select(k => $"'{k}'"))})
            """).ToDictionary(r => new KpiKey((string)r[0]!, (string)r[1]!, Date(r[2]), (string)r[3]!, (string)r[4]!),
                r => new double?[] { Dbl(r[5]), DayNumber(r[6]), Dbl(r[7]), Dbl(r[8]), DayNumber(r[9]), Dbl(r[10]) });
        var expected = new Dictionary<KpiKey, double?[]>();
        foreach (var (key, row) in Reference.Rows.Where(r => r.Key.Grain == grain && TrendKpis.Contains(r.Key.Kpi)))
        {
            var previousStart = Previous(key.Grain, key.PeriodStart);
            var lastYearStart = key.Grain is "month" or "quarter" ? key.PeriodStart.AddMonths(-12) : key.PeriodStart.AddDays(-364);
            var previous = Reference.Rows.GetValueOrDefault(key with { PeriodStart = previousStart })?.Value;
            var lastYear = Reference.Rows.GetValueOrDefault(key with { PeriodStart = lastYearStart })?.Value;
            expected[key] = [row.Value, previousStart.DayNumber, previous, row.Value - previous, lastYearStart.DayNumber, lastYear];
        }

        Assert.That(Differences(expected, actual, ["value", "previous_period_start", "previous_value", "change", "last_year_period_start", "last_year_value"]), Is.Empty);
    }

    [TestCase("day")]
    [TestCase("week")]
    [TestCase("month")]
    [TestCase("quarter")]
    public void Sales_growth_is_revenue_against_the_previous_period(string grain)
    {
        var expected = new Dictionary<KpiKey, double?[]>();
        foreach (var (key, row) in Reference.Rows.Where(r => r.Key.Kpi == "revenue" && r.Key.Grain == grain))
        {
            var previous = Reference.Rows.GetValueOrDefault(key with { PeriodStart = Previous(key.Grain, key.PeriodStart) })?.Numerator;
            var now = row.Numerator!.Value;
            expected[key with { Kpi = "sales_growth" }] =
            [
                (double?)(now - previous), (double?)previous, previous is { } p && p != 0 ? (double)((now - p) / p) : null,
            ];
        }

        var actual = Query("SELECT grain, period_start, segment_type, segment, numerator, denominator, value FROM mart.kpi_trends WHERE kpi_id = 'sales_growth' AND grain = $grain", ("grain", grain))
            .ToDictionary(r => new KpiKey("sales_growth", (string)r[0]!, Date(r[1]), (string)r[2]!, (string)r[3]!), r => r[4..].Select(Dbl).ToArray());
        Assert.That(expected.Values.Count(v => v[2] is not null), Is.GreaterThan(0), "some periods follow one with revenue");
        Assert.That(expected.Values.Count(v => v[1] is null), Is.GreaterThan(0), "some follow one without a revenue row (no growth then, not 0)");
        Assert.That(Differences(expected, actual, ["numerator", "denominator", "value"]), Is.Empty);
    }

    /// <summary>The period a trend compares with: the day, ISO week, month or quarter just before.</summary>
    private static DateOnly Previous(string grain, DateOnly start) => grain switch
    {
        "day" => start.AddDays(-1),
        "week" => start.AddDays(-7),
        "month" => start.AddMonths(-1),
        _ => start.AddMonths(-3),
    };

    /// <summary>Missing, extra and differing rows (columns compared with the value tolerance), the first few of each.</summary>
    private static List<string> Differences<TKey>(Dictionary<TKey, double?[]> expected, Dictionary<TKey, double?[]> actual, string[] columns)
        where TKey : notnull
    {
        var result = new List<string>();
        var differing = expected.Count(e => actual.TryGetValue(e.Key, out var a) && columns.Where((_, i) => !Compare.Close(e.Value[i], a[i])).Any());
        var missing = expected.Keys.Count(k => !actual.ContainsKey(k));
        var extra = actual.Keys.Count(k => !expected.ContainsKey(k));
        if (differing + missing + extra > 0)
        {
            result.Add($"{expected.Count} expected rows: {missing} missing, {extra} extra, {differing} differ");
        }

        result.AddRange(expected.Keys.Where(k => !actual.ContainsKey(k)).Take(8).Select(k => $"missing {k}"));
        result.AddRange(actual.Keys.Where(k => !expected.ContainsKey(k)).Take(8).Select(k => $"extra {k}: {string.Join(", ", actual[k].Select(Text))}"));
        foreach (var (key, e) in expected.Where(e => actual.ContainsKey(e.Key)))
        {
            var a = actual[key];
            var bad = columns.Select((c, i) => (c, i)).Where(x => !Compare.Close(e[x.i], a[x.i])).Select(x => $"{x.c} expected {Text(e[x.i])} got {Text(a[x.i])}").ToList();
            if (bad.Count > 0 && result.Count < 30)
            {
                result.Add($"{key}: {string.Join("; ", bad)}");
            }
        }

        return result;
    }

    private static string Text(double? v) => v is { } x ? x.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "NULL";

    private static double? Div(double? a, double? b) => a is null || b is null || b == 0 ? null : a / b;

    private static double? DayNumber(object? date) => date is null ? null : Date(date).DayNumber;

    private static DateOnly Month(DateOnly d) => new(d.Year, d.Month, 1);

    private static int MonthsBetween(DateOnly from, DateOnly to) => ((to.Year - from.Year) * 12) + to.Month - from.Month;

    private static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;
}
