using System.Globalization;
using static Pipeline.Marts.Tests.MartsFixture;

namespace Pipeline.Marts.Tests;

/// <summary>
/// Users and reach are distinct counts: they exist only at the grain the platform counted them and are never summed
/// across days or segments, in mart.kpi_values or any other mart view.
/// </summary>
public sealed class DistinctCountTests
{
    private static readonly string[] UserKpis = ["users", "new_users"];

    [Test]
    public void Users_and_new_users_exist_only_per_day_and_channel_and_equal_what_ga4_counted()
    {
        var rows = Mart.Where(r => UserKpis.Contains(r.Key.Kpi)).ToList();
        Assert.That(rows.Where(r => r.Key.Grain != "day" || r.Key.SegmentType != "channel").Select(r => r.Key.ToString()), Is.Empty,
            "users rows other than day × channel");
        var expected = Reference.Users.SelectMany(u => new[]
        {
            (new KpiKey("users", "day", u.Key.Date, "channel", u.Key.Channel), (decimal)u.Value.TotalUsers),
            (new KpiKey("new_users", "day", u.Key.Date, "channel", u.Key.Channel), (decimal)u.Value.NewUsers),
        }).ToDictionary(x => x.Item1, x => x.Item2);
        Assert.That(expected, Is.Not.Empty);
        Assert.That(rows.Select(r => r.Key), Is.EquivalentTo(expected.Keys), "one row per day and channel GA4 reported");
        Assert.That(rows.Where(r => r.Value.Numerator != expected[r.Key] || r.Value.Value != (double)expected[r.Key] || r.Value.Denominator is not null)
            .Select(r => $"{r.Key}: {Compare.Describe(r.Value)}, GA4 counted {expected[r.Key]}").Take(10), Is.Empty);
    }

    [Test]
    public void Weekly_monthly_or_all_channel_users_would_be_sums_and_are_not_published()
    {
        // What summing would give: daily users of a channel over its week, and all channels of a day.
        var weekSums = Reference.Users.GroupBy(u => (ReferenceKpis.PeriodStart("week", u.Key.Date), u.Key.Channel))
            .Where(g => g.Count() > 1).ToDictionary(g => g.Key, g => g.Sum(u => u.Value.TotalUsers));
        var daySums = Reference.Users.GroupBy(u => u.Key.Date).Where(g => g.Count() > 1).ToDictionary(g => g.Key, g => g.Sum(u => u.Value.TotalUsers));
        Assert.That(weekSums, Is.Not.Empty);
        Assert.Multiple(() =>
        {
            foreach (var ((week, channel), sum) in weekSums)
            {
                Assert.That(Mart.ContainsKey(new KpiKey("users", "week", week, "channel", channel)), Is.False, $"users of {channel} in week {week:yyyy-MM-dd} (a sum would say {sum})");
            }

            foreach (var (day, sum) in daySums)
            {
                Assert.That(Mart.ContainsKey(new KpiKey("users", "day", day, "all", ReferenceKpis.All)), Is.False, $"users of all channels on {day:yyyy-MM-dd} (a sum would say {sum})");
            }

            Assert.That(Mart.Keys.Where(k => UserKpis.Contains(k.Kpi) && (k.Grain is "month" or "quarter" || k.SegmentType != "channel")).Take(5), Is.Empty);
        });
    }

    [Test]
    public void No_mart_view_has_users_or_reach_rows_at_a_grain_or_segment_they_were_not_counted_at()
    {
        var views = Query(
            """
            SELECT table_name, list(column_name) FROM information_schema.columns
            WHERE table_schema = 'mart' GROUP BY table_name ORDER BY table_name
            """).Select(r => ((string)r[0]!, ((IEnumerable<object>)r[1]!).Cast<string>().ToHashSet(StringComparer.Ordinal))).ToList();
        var checkedViews = 0;
        foreach (var (view, columns) in views.Where(v => v.Item2.Contains("kpi_id") && v.Item2.Contains("grain")))
        {
            checkedViews++;
            var segmentFilter = columns.Contains("segment_type") ? " OR segment_type <> 'channel'" : "";
            var bad = Query($"SELECT DISTINCT kpi_id, grain FROM mart.{view} WHERE (kpi_id IN ('users', 'new_users') AND (grain <> 'day'{segmentFilter})) OR kpi_id IN ('reach', 'frequency')");
            Assert.That(bad.Select(r => $"{r[0]} at {r[1]}"), Is.Empty, $"mart.{view}");
        }

        Assert.That(checkedViews, Is.GreaterThanOrEqualTo(1), "at least mart.kpi_values was checked");
    }

    [Test]
    public void No_users_or_reach_column_of_any_mart_view_holds_a_sum_over_days_or_segments()
    {
        var detector = DistinctSumDetector.Build();
        var columns = Query(
            """
            SELECT table_name, column_name, data_type FROM information_schema.columns
            WHERE table_schema = 'mart' AND (column_name ILIKE '%users%' OR column_name ILIKE '%reach%')
            ORDER BY table_name, column_name
            """);
        Assert.That(columns.Select(c => $"{c[0]}.{c[1]}"), Does.Contain("ad_reach_daily.reach"), "the scan sees the reach view");
        Assert.Multiple(() =>
        {
            foreach (var c in columns)
            {
                var (view, column, type) = ((string)c[0]!, (string)c[1]!, (string)c[2]!);
                if (!IsNumeric(type))
                {
                    continue;
                }

                var values = Query($"SELECT DISTINCT \"{column}\" FROM mart.\"{view}\" WHERE \"{column}\" IS NOT NULL").Select(r => Dec(r[0])!.Value);
                var family = column.Contains("reach", StringComparison.OrdinalIgnoreCase) ? detector.Reach : detector.Users;
                Assert.That(family.Offending(values).Take(10), Is.Empty, $"mart.{view}.{column} holds values that are sums of fetched distinct counts");
            }
        });
    }

    /// <summary>The detector above must be able to fail: sums a careless view would publish are all caught.</summary>
    [Test]
    public void The_sum_detector_catches_summed_reach_and_users()
    {
        var detector = DistinctSumDetector.Build();
        var reachByCampaignDay = Query("SELECT sum(reach) FROM mart.ad_reach_daily GROUP BY date, campaign HAVING count(*) > 1").Select(r => Dec(r[0])!.Value).ToList();
        var usersByDay = Query("SELECT sum(numerator) FROM mart.kpi_values WHERE kpi_id = 'users' GROUP BY period_start HAVING count(*) > 1").Select(r => Dec(r[0])!.Value).ToList();
        Assert.That(reachByCampaignDay, Is.Not.Empty);
        Assert.That(usersByDay, Is.Not.Empty);
        // A sum that happens to equal some fetched count cannot be told from it (more often the smaller the counts):
        // every other sum must be caught, and those must be most of them.
        Assert.That(detector.Reach.Offending(reachByCampaignDay).Count, Is.EqualTo(detector.Reach.NotFetched(reachByCampaignDay).Count), "summed reach per campaign and day");
        Assert.That(detector.Users.Offending(usersByDay).Count, Is.EqualTo(detector.Users.NotFetched(usersByDay).Count), "summed users per day");
        Assert.That(detector.Reach.NotFetched(reachByCampaignDay).Count, Is.GreaterThan(reachByCampaignDay.Count * 0.75), "reach sums distinguishable from fetched reach");
        Assert.That(detector.Users.NotFetched(usersByDay).Count, Is.GreaterThan(usersByDay.Count * 0.75), "user sums distinguishable from fetched users");
    }

    private static bool IsNumeric(string type) =>
        type is "BIGINT" or "INTEGER" or "HUGEINT" or "DOUBLE" or "FLOAT" or "SMALLINT" or "UBIGINT" || type.StartsWith("DECIMAL", StringComparison.Ordinal);

    /// <summary>Values that are sums of two or more fetched distinct counts and are not themselves a fetched count.</summary>
    private sealed class SumSet(HashSet<decimal> sums, HashSet<decimal> fetched)
    {
        public List<string> Offending(IEnumerable<decimal> values) =>
            values.Where(v => sums.Contains(v) && !fetched.Contains(v)).Select(v => v.ToString(CultureInfo.InvariantCulture)).ToList();

        /// <summary>Values that are not a fetched count themselves (so a sum among them can be recognised as one).</summary>
        public List<decimal> NotFetched(IEnumerable<decimal> values) => values.Where(v => !fetched.Contains(v)).ToList();
    }

    private sealed record DistinctSumDetector(SumSet Users, SumSet Reach)
    {
        public static DistinctSumDetector Build()
        {
            // GA4 users as fetched (day × channel), and their sums over days and channels.
            var users = Reference.Users.SelectMany(u => new[]
            {
                (u.Key.Date, u.Key.Channel, Metric: "total", Value: u.Value.TotalUsers),
                (u.Key.Date, u.Key.Channel, Metric: "new", Value: u.Value.NewUsers),
                (u.Key.Date, u.Key.Channel, Metric: "active", Value: u.Value.ActiveUsers),
            }).ToList();
            var userSums = new HashSet<decimal>();
            foreach (var grain in ReferenceKpis.Grains)
            {
                AddSums(userSums, users.GroupBy(u => (u.Metric, ReferenceKpis.PeriodStart(grain, u.Date), u.Channel)).Select(g => g.Select(u => u.Value)));
                AddSums(userSums, users.GroupBy(u => (u.Metric, ReferenceKpis.PeriodStart(grain, u.Date))).Select(g => g.Select(u => u.Value)));
            }

            AddSums(userSums, users.GroupBy(u => (u.Metric, u.Channel)).Select(g => g.Select(u => u.Value)));
            AddSums(userSums, users.GroupBy(u => u.Metric).Select(g => g.Select(u => u.Value)));

            // Meta reach as fetched (one ad, one day; also per breakdown value), and its sums over ads and days.
            var truth = SandboxWorld.Truth;
            var reachRows = new List<(DateOnly Date, string Account, string Campaign, string AdSet, string Ad, long Reach)>();
            var fetchedReach = new HashSet<decimal>();
            for (var d = World.StartDate; d <= World.EndDate; d = d.AddDays(1))
            {
                foreach (var f in truth.MetaAdDays(d))
                {
                    reachRows.Add((d, f.AccountId, f.CampaignId, f.AdSetId, f.AdId, f.Delivery.Reach));
                    fetchedReach.Add(f.Delivery.Reach);
                }

                foreach (var breakdown in new[] { "country", "device_platform", "publisher_platform" })
                {
                    fetchedReach.UnionWith(truth.MetaAdDayBreakdown(d, breakdown).Select(s => (decimal)s.Fact.Delivery.Reach));
                }
            }

            var reachSums = new HashSet<decimal>();
            foreach (var grain in ReferenceKpis.Grains)
            {
                AddSums(reachSums, reachRows.GroupBy(r => (ReferenceKpis.PeriodStart(grain, r.Date), r.Ad)).Select(g => g.Select(r => r.Reach)));
                AddSums(reachSums, reachRows.GroupBy(r => (ReferenceKpis.PeriodStart(grain, r.Date), r.AdSet)).Select(g => g.Select(r => r.Reach)));
                AddSums(reachSums, reachRows.GroupBy(r => (ReferenceKpis.PeriodStart(grain, r.Date), r.Campaign)).Select(g => g.Select(r => r.Reach)));
                AddSums(reachSums, reachRows.GroupBy(r => (ReferenceKpis.PeriodStart(grain, r.Date), r.Account)).Select(g => g.Select(r => r.Reach)));
                AddSums(reachSums, reachRows.GroupBy(r => ReferenceKpis.PeriodStart(grain, r.Date)).Select(g => g.Select(r => r.Reach)));
            }

            AddSums(reachSums, reachRows.GroupBy(r => r.Campaign).Select(g => g.Select(r => r.Reach)));
            return new DistinctSumDetector(
                new SumSet(userSums, users.Select(u => (decimal)u.Value).ToHashSet()),
                new SumSet(reachSums, fetchedReach));
        }

        private static void AddSums(HashSet<decimal> into, IEnumerable<IEnumerable<long>> groups)
        {
            foreach (var g in groups.Select(x => x.ToList()).Where(x => x.Count > 1))
            {
                into.Add(g.Sum());
            }
        }
    }
}
