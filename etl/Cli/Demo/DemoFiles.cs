using System.Globalization;
using System.Text;

namespace Pipeline.Cli.Demo;

/// <summary>
/// CSV files for the demo's Files source, dated inside the sandbox world: FX rates (the Meta accounts spend EUR
/// and USD), marketing costs outside the ad platforms, NPS survey responses and KPI targets for the current
/// month and quarter. Deterministic, so two demos on the same day print the same numbers.
/// </summary>
internal static class DemoFiles
{
    public static void Write(string folder, DateOnly firstDay, DateOnly today)
    {
        Directory.CreateDirectory(folder);
        var inv = CultureInfo.InvariantCulture;
        var random = new Random(20261123);

        var fx = new StringBuilder("date,currency,rate\n");
        for (var d = firstDay.AddDays(-((int)firstDay.DayOfWeek + 6) % 7); d <= today; d = d.AddDays(7))
        {
            fx.Append(inv, $"{d:yyyy-MM-dd},EUR,1\n");
            fx.Append(inv, $"{d:yyyy-MM-dd},USD,{0.9 + (random.NextDouble() * 0.06):0.0000}\n");
            fx.Append(inv, $"{d:yyyy-MM-dd},GBP,{1.15 + (random.NextDouble() * 0.06):0.0000}\n");
        }

        var costs = new StringBuilder("date,channel,campaign,cost,currency,note\n");
        for (var month = new DateOnly(firstDay.Year, firstDay.Month, 1); month <= today; month = month.AddMonths(1))
        {
            var day = (DateOnly d) => d < firstDay ? firstDay : d > today ? today : d;
            // An SME's spend beside the ad platforms, a few hundred a month each (in proportion to Meta and Google Ads).
            costs.Append(inv, $"{day(month.AddDays(2)):yyyy-MM-dd},podcast,always_on,{650 + random.Next(0, 150)},EUR,monthly sponsorship\n");
            costs.Append(inv, $"{day(month.AddDays(9)):yyyy-MM-dd},print,,{420 + random.Next(0, 120)}.50,EUR,trade magazine\n");
            costs.Append(inv, $"{day(month.AddDays(16)):yyyy-MM-dd},influencer,US_Spring-Sale_03,{450 + random.Next(0, 200)},USD,creator fee\n");
        }

        costs.Append(inv, $"{today.AddDays(-20):yyyy-MM-dd},events,trade_fair_berlin,1450.75,EUR,booth and travel\n");

        var nps = new StringBuilder("date,score,channel\n");
        for (var d = firstDay; d <= today; d = d.AddDays(1))
        {
            for (var i = random.Next(0, 4); i > 0; i--)
            {
                var roll = random.NextDouble();
                var score = roll < 0.52 ? random.Next(9, 11) : roll < 0.8 ? random.Next(7, 9) : random.Next(0, 7);
                nps.Append(inv, $"{d:yyyy-MM-dd},{score},{(i % 2 == 0 ? "email" : "in_app")}\n");
            }
        }

        var monthStart = new DateOnly(today.Year, today.Month, 1);
        var monthEnd = monthStart.AddMonths(1).AddDays(-1);
        var quarterStart = new DateOnly(today.Year, (((today.Month - 1) / 3) * 3) + 1, 1);
        var quarterEnd = quarterStart.AddMonths(3).AddDays(-1);
        var targets = new StringBuilder("kpi,period_start,period_end,target,segment\n");
        foreach (var (kpi, target, segment) in new (string, string, string)[]
                 {
                     // Targets an SME sets for its Q4 peak month (the demo business: 18-27k revenue, 250 leads a month).
                     ("revenue", "24000", ""), ("new_customers", "12", ""), ("cac", "550", ""), ("roas", "3", ""),
                     ("leads", "250", ""), ("sessions", "34000", ""), ("sessions", "12500", "Organic Search"), ("cpl", "35", ""),
                 })
        {
            targets.Append(inv, $"{kpi},{monthStart:yyyy-MM-dd},{monthEnd:yyyy-MM-dd},{target},{segment}\n");
        }

        targets.Append(inv, $"revenue,{quarterStart:yyyy-MM-dd},{quarterEnd:yyyy-MM-dd},70000,\n");
        targets.Append(inv, $"nps,{quarterStart:yyyy-MM-dd},{quarterEnd:yyyy-MM-dd},40,\n");

        File.WriteAllText(Path.Combine(folder, "fx_rates.csv"), fx.ToString());
        File.WriteAllText(Path.Combine(folder, "marketing_costs.csv"), costs.ToString());
        File.WriteAllText(Path.Combine(folder, "nps_responses.csv"), nps.ToString());
        File.WriteAllText(Path.Combine(folder, "kpi_targets.csv"), targets.ToString());
    }
}
