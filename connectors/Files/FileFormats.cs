using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Pipeline.Connectors.Streams;

namespace Pipeline.Connectors.Files;

/// <summary>A column of a file format: its header name (plus accepted aliases) and whether every line needs a value.</summary>
public sealed record CsvColumn(string Name, bool Required, params string[] Aliases);

/// <summary>
/// A documented CSV format: the file name, its columns, and how one line becomes a row of its stream (the data
/// fields; the reader appends the file fields).
/// </summary>
public abstract partial class FileFormat
{
    /// <summary>Decimals carry at most this many digits after the point (the warehouse keeps DECIMAL(38,9)).</summary>
    public const int MaxDecimalPlaces = 9;

    public abstract string FileName { get; }

    public abstract StreamDescriptor Stream { get; }

    public abstract IReadOnlyList<CsvColumn> Columns { get; }

    public static IReadOnlyList<FileFormat> All { get; } = [new MarketingCostsFormat(), new NpsResponsesFormat(), new KpiTargetsFormat(), new FxRatesFormat()];

    /// <summary>State kept across the lines of one read of a file (occurrence counters).</summary>
    internal virtual object? NewState() => null;

    /// <summary>
    /// The data values of a line (<paramref name="values"/> follow <see cref="Columns"/>: trimmed, null when empty or
    /// the column is absent), or throws <see cref="LineException"/> with the reason.
    /// </summary>
    internal abstract object?[] Map(string?[] values, object? state);

    /// <summary>How a raw value appears in a reject's payload (personal data never does).</summary>
    internal virtual string? Redact(string? value) => value;

    /// <summary>Header name as compared: trimmed, lower-case, spaces and dashes as underscores.</summary>
    internal static string Normalize(string header) =>
        header.Trim().ToLowerInvariant().Replace(' ', '_').Replace('-', '_');

    protected static string Required(string?[] values, int index, string name) =>
        values[index] ?? throw new LineException($"missing required value '{name}'");

    protected static DateOnly ParseDate(string?[] values, int index, string name)
    {
        var raw = Required(values, index, name);
        return DateOnly.TryParseExact(raw, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day
            : throw new LineException($"{name} '{raw}' is not a yyyy-MM-dd date");
    }

    protected static decimal ParseDecimal(string?[] values, int index, string name)
    {
        var raw = Required(values, index, name);
        var m = DecimalPattern().Match(raw);
        if (!m.Success)
        {
            throw new LineException($"{name} '{raw}' is not a number written with '.' as the decimal point and no thousands separators (e.g. 1234.5)");
        }

        if (m.Groups["fraction"].Length > MaxDecimalPlaces)
        {
            throw new LineException(string.Create(CultureInfo.InvariantCulture, $"{name} '{raw}' has more than {MaxDecimalPlaces} decimal places"));
        }

        return decimal.TryParse(raw, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new LineException($"{name} '{raw}' is out of range");
    }

    protected static string ParseCurrency(string?[] values, int index, string name)
    {
        var raw = Required(values, index, name);
        return CurrencyPattern().IsMatch(raw)
            ? raw.ToUpperInvariant()
            : throw new LineException($"{name} '{raw}' is not a 3-letter ISO 4217 currency code (e.g. EUR)");
    }

    protected static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    [GeneratedRegex(@"^[+-]?[0-9]+(\.(?<fraction>[0-9]+))?$", RegexOptions.CultureInvariant)]
    private static partial Regex DecimalPattern();

    [GeneratedRegex("^[A-Za-z]{3}$", RegexOptions.CultureInvariant)]
    private static partial Regex CurrencyPattern();
}

/// <summary>Why one line cannot be loaded.</summary>
internal sealed class LineException(string message) : Exception(message);

/// <summary><c>marketing_costs.csv</c>: date, channel, campaign?, cost, currency, note?.</summary>
public sealed class MarketingCostsFormat : FileFormat
{
    public override string FileName => "marketing_costs.csv";

    public override StreamDescriptor Stream => FilesStreams.MarketingCosts;

    public override IReadOnlyList<CsvColumn> Columns { get; } =
        [new("date", true), new("channel", true), new("campaign", false), new("cost", true), new("currency", true), new("note", false)];

    internal override object?[] Map(string?[] v, object? state) =>
    [
        ParseDate(v, 0, "date"),
        Required(v, 1, "channel"),
        v[2] ?? "",
        ParseDecimal(v, 3, "cost"),
        ParseCurrency(v, 4, "currency"),
        v[5],
    ];
}

/// <summary><c>nps_responses.csv</c>: date, score (0–10), email? (stored only as a SHA-256), channel?.</summary>
public sealed class NpsResponsesFormat : FileFormat
{
    public override string FileName => "nps_responses.csv";

    public override StreamDescriptor Stream => FilesStreams.NpsResponses;

    public override IReadOnlyList<CsvColumn> Columns { get; } =
        [new("date", true), new("score", true), new("email", false, "customer_email"), new("channel", false)];

    /// <summary>The SHA-256 (lower-case hex) of an e-mail address, trimmed and lower-cased first.</summary>
    public static string HashEmail(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        return Sha256(email.Trim().ToLowerInvariant());
    }

    internal override object? NewState() => new Dictionary<string, int>(StringComparer.Ordinal);

    internal override object?[] Map(string?[] v, object? state)
    {
        var date = ParseDate(v, 0, "date");
        var raw = Required(v, 1, "score");
        if (raw.Length > 2 || !int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var score) || score > 10)
        {
            throw new LineException($"score '{raw}' is not a whole number from 0 to 10");
        }

        var email = v[2] is { } e ? HashEmail(e) : null;
        var channel = v[3];
        var content = string.Join('\u001f', date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), score.ToString(CultureInfo.InvariantCulture), email ?? "", channel ?? "");
        var hash = Sha256(content);
        var seen = (Dictionary<string, int>)state!;
        var occurrence = seen[hash] = seen.GetValueOrDefault(hash) + 1;
        return [string.Create(CultureInfo.InvariantCulture, $"{hash}:{occurrence}"), date, (long)score, email, channel];
    }

    /// <summary>Any value that looks like an address (the e-mail column, or a shifted one) is replaced by its hash.</summary>
    internal override string? Redact(string? value) =>
        value is not null && value.Contains('@', StringComparison.Ordinal) ? "sha256:" + HashEmail(value) : value;
}

/// <summary><c>kpi_targets.csv</c>: kpi, period_start, period_end, target, segment?.</summary>
public sealed class KpiTargetsFormat : FileFormat
{
    public override string FileName => "kpi_targets.csv";

    public override StreamDescriptor Stream => FilesStreams.KpiTargets;

    public override IReadOnlyList<CsvColumn> Columns { get; } =
        [new("kpi", true), new("period_start", true), new("period_end", true), new("target", true), new("segment", false)];

    internal override object?[] Map(string?[] v, object? state)
    {
        var kpi = Required(v, 0, "kpi");
        var start = ParseDate(v, 1, "period_start");
        var end = ParseDate(v, 2, "period_end");
        if (end < start)
        {
            throw new LineException($"period_end {end:yyyy-MM-dd} is before period_start {start:yyyy-MM-dd}");
        }

        return [kpi, start, end, ParseDecimal(v, 3, "target"), v[4] ?? ""];
    }
}

/// <summary><c>fx_rates.csv</c>: date, currency, rate (units of the reporting currency per unit of currency, &gt; 0).</summary>
public sealed class FxRatesFormat : FileFormat
{
    public override string FileName => "fx_rates.csv";

    public override StreamDescriptor Stream => FilesStreams.FxRates;

    public override IReadOnlyList<CsvColumn> Columns { get; } =
        [new("date", true), new("currency", true), new("rate", true, "rate_to_reporting")];

    internal override object?[] Map(string?[] v, object? state)
    {
        var date = ParseDate(v, 0, "date");
        var currency = ParseCurrency(v, 1, "currency");
        var rate = ParseDecimal(v, 2, "rate");
        return rate <= 0 ? throw new LineException($"rate '{v[2]}' must be greater than 0") : [date, currency, rate];
    }
}
