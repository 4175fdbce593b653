namespace Pipeline.Etl.Alerts;

/// <summary>
/// A column that stopped filling (<see cref="Column"/> set) or a stream whose daily volume left its band (Column null),
/// since <see cref="Since"/> (the first day of the episode) up to <see cref="Latest"/>.
/// </summary>
public sealed record HealthFinding(string Source, string Stream, string? Column, DateOnly Since, DateOnly Latest, string Detail)
{
    /// <summary>What the episode is about, as kept in the alert state: the column, or <c>(volume)</c>.</summary>
    public string Subject => Column ?? VolumeSubject;

    public const string VolumeSubject = "(volume)";
}

/// <summary>
/// Judges <c>mart.source_health</c> rows, engine-free: per stream, its latest day against the days before the episode.
/// A column is unhealthy when it is below <see cref="HealthAlertOptions.MinFillRate"/> on every day from the episode's
/// first day to the stream's latest day, and was at or above it on at least <see cref="HealthAlertOptions.BaselineFilledShare"/>
/// of the <see cref="HealthAlertOptions.BaselineDays"/> before (so columns that are often empty never alert). Volume is
/// unhealthy when the latest complete day is outside median ± k × 1.4826 × MAD of the days before it.
/// </summary>
public static class SourceHealthAssessment
{
    /// <summary>Fewer baseline days than this say nothing about what is usual.</summary>
    public const int MinBaselineDays = 7;

    /// <summary>How many days before the latest are read: the longest episode followed plus its baseline.</summary>
    public static int DaysToRead(HealthAlertOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.BaselineDays * 2;
    }

    /// <param name="today">UTC today: today's volume is still growing, so only earlier days are checked for volume.</param>
    public static IReadOnlyList<HealthFinding> Assess(IReadOnlyList<SourceHealthDay> rows, HealthAlertOptions options, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(options);
        var findings = new List<HealthFinding>();
        foreach (var stream in rows.GroupBy(r => (r.Source, r.Stream)).OrderBy(g => g.Key.Source, StringComparer.Ordinal).ThenBy(g => g.Key.Stream, StringComparer.Ordinal))
        {
            var days = stream.Select(r => r.Day).Distinct().Order().ToList();
            foreach (var column in stream.GroupBy(r => r.Column).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                if (ColumnFinding(stream.Key.Source, stream.Key.Stream, column.Key, column.ToDictionary(r => r.Day), days, options) is { } finding)
                {
                    findings.Add(finding);
                }
            }

            var volume = stream.GroupBy(r => r.Day).ToDictionary(g => g.Key, g => g.Max(r => r.Rows));
            if (VolumeFinding(stream.Key.Source, stream.Key.Stream, volume, days.Where(d => d < today).ToList(), options) is { } v)
            {
                findings.Add(v);
            }
        }

        return findings;
    }

    private static HealthFinding? ColumnFinding(string source, string stream, string column, Dictionary<DateOnly, SourceHealthDay> byDay, List<DateOnly> days, HealthAlertOptions options)
    {
        bool Filled(DateOnly day) => byDay.TryGetValue(day, out var r) && r.FillRate >= options.MinFillRate;
        var latest = days[^1];
        if (Filled(latest))
        {
            return null;
        }

        var start = days.Count - 1;
        while (start > 0 && !Filled(days[start - 1]))
        {
            start--;
        }

        var since = days[start];
        var baseline = days.Where(d => d < since && d >= since.AddDays(-options.BaselineDays)).ToList();
        if (baseline.Count < Math.Min(MinBaselineDays, options.BaselineDays))
        {
            return null;
        }

        var filledShare = (double)baseline.Count(Filled) / baseline.Count;
        if (filledShare < options.BaselineFilledShare)
        {
            return null;
        }

        var usual = Median(baseline.Select(d => byDay.TryGetValue(d, out var r) ? r.FillRate : 0).ToList());
        var last = byDay.GetValueOrDefault(latest);
        var detail = FormattableString.Invariant(
            $"{stream}.{column}: filled on {last?.FillRate ?? 0:0%} of {last?.Rows ?? 0:N0} rows on {latest:yyyy-MM-dd}, below {options.MinFillRate:0%} since {since:yyyy-MM-dd}; usually {usual:0%} ({filledShare:0%} of the {baseline.Count} days before filled)");
        return new HealthFinding(source, stream, column, since, latest, detail);
    }

    private static HealthFinding? VolumeFinding(string source, string stream, Dictionary<DateOnly, long> volume, List<DateOnly> days, HealthAlertOptions options)
    {
        if (options.VolumeMadFactor <= 0 || days.Count == 0)
        {
            return null;
        }

        (double Lower, double Upper, double Median)? Band(DateOnly day)
        {
            var before = days.Where(d => d < day && d >= day.AddDays(-options.BaselineDays)).Select(d => (double)volume[d]).ToList();
            if (before.Count < Math.Min(MinBaselineDays, options.BaselineDays))
            {
                return null;
            }

            var median = Median(before);
            var mad = Median(before.Select(v => Math.Abs(v - median)).ToList());
            // A constant volume has MAD 0: allow a tenth of the median rather than flag every change of one row.
            var spread = Math.Max(options.VolumeMadFactor * 1.4826 * mad, 0.1 * median);
            return (median - spread, median + spread, median);
        }

        bool Outside(DateOnly day) => Band(day) is { } b && (volume[day] < b.Lower || volume[day] > b.Upper);
        var latest = days[^1];
        if (!Outside(latest))
        {
            return null;
        }

        var start = days.Count - 1;
        while (start > 0 && Outside(days[start - 1]))
        {
            start--;
        }

        var band = Band(latest)!.Value;
        var detail = FormattableString.Invariant(
            $"{stream} volume: {volume[latest]:N0} rows on {latest:yyyy-MM-dd}, usual {Math.Max(0, band.Lower):N0}–{band.Upper:N0} (median {band.Median:N0}), outside since {days[start]:yyyy-MM-dd}");
        return new HealthFinding(source, stream, null, days[start], latest, detail);
    }

    private static double Median(List<double> values)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        values.Sort();
        var mid = values.Count / 2;
        return values.Count % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }
}
