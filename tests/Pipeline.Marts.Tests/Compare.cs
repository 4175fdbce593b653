using System.Globalization;
using System.Text;

namespace Pipeline.Marts.Tests;

/// <summary>Tolerances and mismatch reports shared by the comparisons.</summary>
public static class Compare
{
    /// <summary>Sums are exact decimals on both sides; the slack only absorbs DECIMAL(38,9) rounding.</summary>
    public static bool Close(decimal? expected, decimal? actual) =>
        expected is null || actual is null
            ? expected is null && actual is null
            : Math.Abs(expected.Value - actual.Value) <= Math.Max(0.000001m, Math.Abs(expected.Value) * 0.000000001m);

    /// <summary>Values: relative 1e-9, and NULL only equals NULL (a NULL turned 0 fails).</summary>
    public static bool Close(double? expected, double? actual) =>
        expected is null || actual is null
            ? expected is null && actual is null
            : Math.Abs(expected.Value - actual.Value) <= 1e-9 * Math.Max(1, Math.Abs(expected.Value));

    public static bool Same(KpiRow expected, KpiRow actual) =>
        Close(expected.Numerator, actual.Numerator) && Close(expected.Denominator, actual.Denominator) && Close(expected.Value, actual.Value);

    public static string Describe(KpiRow? row) =>
        row is null ? "(no row)" : string.Create(CultureInfo.InvariantCulture, $"num={Text(row.Numerator)} den={Text(row.Denominator)} value={(row.Value is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : "NULL")}");

    /// <summary>Compares expected with actual rows: missing, extra and differing rows, the first few of each.</summary>
    public static string? Rows<TKey>(IReadOnlyDictionary<TKey, KpiRow> expected, IReadOnlyDictionary<TKey, KpiRow> actual, int show = 12)
        where TKey : notnull
    {
        var missing = expected.Keys.Where(k => !actual.ContainsKey(k)).ToList();
        var extra = actual.Keys.Where(k => !expected.ContainsKey(k)).ToList();
        var differ = expected.Where(e => actual.TryGetValue(e.Key, out var a) && !Same(e.Value, a)).ToList();
        if (missing.Count == 0 && extra.Count == 0 && differ.Count == 0)
        {
            return null;
        }

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{expected.Count} expected rows, {actual.Count} actual: {missing.Count} missing, {extra.Count} extra, {differ.Count} differ\n");
        foreach (var k in missing.Take(show))
        {
            text.Append(CultureInfo.InvariantCulture, $"  missing {k}: expected {Describe(expected[k])}\n");
        }

        foreach (var k in extra.Take(show))
        {
            text.Append(CultureInfo.InvariantCulture, $"  extra   {k}: actual {Describe(actual[k])}\n");
        }

        foreach (var (k, e) in differ.Take(show))
        {
            text.Append(CultureInfo.InvariantCulture, $"  differ  {k}: expected {Describe(e)} actual {Describe(actual[k])}\n");
        }

        return text.ToString();
    }

    private static string Text(decimal? d) => d is { } v ? v.ToString("0.#########", CultureInfo.InvariantCulture) : "NULL";
}
