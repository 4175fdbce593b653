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
    /// Whether two lines of one file can carry the same key. Formats whose key is derived from the whole line and its
    /// occurrence (NPS responses) cannot, and skip the duplicate check.
    /// </summary>
    internal virtual bool KeysCanRepeat => true;

    /// <summary>
    /// The data values of a line (<paramref name="values"/> follow <see cref="Columns"/>: trimmed, null when empty or
    /// the column is absent), or throws <see cref="LineException"/> with the reason.
    /// </summary>
    internal abstract object?[] Map(string?[] values, LineContext context);

    /// <summary>How a raw value appears in a reject's payload (personal data never does).</summary>
    internal virtual string? Redact(string? value) => value;

    /// <summary>Header name as compared: trimmed, lower-case, spaces and dashes as underscores.</summary>
    internal static string Normalize(string header) =>
        header.Trim().ToLowerInvariant().Replace(' ', '_').Replace('-', '_');

    protected static string Required(string?[] values, int index, string name) =>
        values[index] ?? throw new LineException($"missing required value '{name}'");

    /// <summary>
    /// ISO <c>yyyy-MM-dd</c>; with a configured culture also its short date pattern (<c>dd.MM.yyyy</c> for de-DE).
    /// A spreadsheet's date cell arrives here already as ISO text.
    /// </summary>
    private protected static DateOnly ParseDate(string?[] values, int index, string name, LineContext context)
    {
        var raw = Required(values, index, name);
        if (DateOnly.TryParseExact(raw, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return day;
        }

        var culture = context.IsTyped(index) ? null : context.Culture;
        if (culture is not null && DateOnly.TryParseExact(raw, culture.DateTimeFormat.ShortDatePattern, culture, DateTimeStyles.None, out day))
        {
            return day;
        }

        throw new LineException(culture is null
            ? $"{name} '{raw}' is not a yyyy-MM-dd date"
            : $"{name} '{raw}' is not a yyyy-MM-dd or {culture.DateTimeFormat.ShortDatePattern} ({culture.Name}) date");
    }

    /// <summary>
    /// Without a culture (and for a spreadsheet's number cells): '.' as the decimal point and no thousands separators,
    /// so <c>1,5</c> and <c>1.234,5</c> are rejected rather than guessed. With a culture, its decimal separator, and
    /// its thousands separator only between groups of three digits: de-DE reads <c>1.234,5</c> as 1234.5 and
    /// <c>1,234</c> as 1.234; en-US reads <c>1,234</c> as 1234. The culture decides because the text alone cannot.
    /// </summary>
    private protected static decimal ParseDecimal(string?[] values, int index, string name, LineContext context)
    {
        var raw = Required(values, index, name);
        var culture = context.IsTyped(index) ? null : context.Culture;
        var text = culture is null ? raw : Localized(raw, culture);
        var m = DecimalPattern().Match(text ?? "");
        if (!m.Success)
        {
            throw new LineException(culture is null
                ? $"{name} '{raw}' is not a number written with '.' as the decimal point and no thousands separators (e.g. 1234.5); decimal commas need Culture (e.g. de-DE)"
                : $"{name} '{raw}' is not a number as {culture.Name} writes it (decimal separator '{culture.NumberFormat.NumberDecimalSeparator}', e.g. {1234.5m.ToString("#,##0.0#", culture)})");
        }

        if (m.Groups["fraction"].Length > MaxDecimalPlaces)
        {
            throw new LineException(string.Create(CultureInfo.InvariantCulture, $"{name} '{raw}' has more than {MaxDecimalPlaces} decimal places"));
        }

        return decimal.TryParse(text!, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new LineException($"{name} '{raw}' is out of range");
    }

    /// <summary>A number in the culture's notation rewritten in the invariant one (1.234,5 → 1234.5), or null.</summary>
    private static string? Localized(string raw, CultureInfo culture)
    {
        var format = culture.NumberFormat;
        var text = raw;
        foreach (var minus in new[] { format.NegativeSign, "\u2212" })
        {
            if (minus != "-" && text.StartsWith(minus, StringComparison.Ordinal))
            {
                text = "-" + text[minus.Length..];
            }
        }

        var decimalAt = text.LastIndexOf(format.NumberDecimalSeparator, StringComparison.Ordinal);
        var whole = decimalAt < 0 ? text : text[..decimalAt];
        var fraction = decimalAt < 0 ? null : text[(decimalAt + format.NumberDecimalSeparator.Length)..];
        var group = format.NumberGroupSeparator;
        // French and others group with a (narrow) no-break space; people type a plain space.
        var groups = string.IsNullOrWhiteSpace(group) || group is "\u00A0" or "\u202F"
            ? whole.Split([' ', '\u00A0', '\u202F'])
            : whole.Split(group);
        if (groups.Length > 1 && (groups[0].TrimStart('+', '-').Length is < 1 or > 3 || groups.Skip(1).Any(g => g.Length != 3)))
        {
            return null;
        }

        var digits = string.Concat(groups);
        return fraction is null ? digits : digits + "." + fraction;
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

/// <summary>What parsing one line needs beside its values: the file's culture, the format's state, typed cells.</summary>
internal sealed class LineContext(CultureInfo? culture, object? state)
{
    public CultureInfo? Culture => culture;

    public object? State => state;

    /// <summary>Per column of the format: the value came from a typed spreadsheet cell (number or date), not text.</summary>
    public IReadOnlyList<bool>? Typed { get; set; }

    public bool IsTyped(int column) => Typed is { } typed && typed[column];
}

/// <summary><c>marketing_costs.csv</c>: date, channel, campaign?, cost, currency, note?.</summary>
public sealed class MarketingCostsFormat : FileFormat
{
    public override string FileName => "marketing_costs.csv";

    public override StreamDescriptor Stream => FilesStreams.MarketingCosts;

    public override IReadOnlyList<CsvColumn> Columns { get; } =
        [new("date", true), new("channel", true), new("campaign", false), new("cost", true), new("currency", true), new("note", false)];

    /// <summary>
    /// The channel is stored lower-case (it is a label, matched to <c>dw.channel_mapping</c> case-insensitively), so
    /// <c>Podcast</c> and <c>podcast</c> on one day are one key, and the cost is counted once. A campaign keeps its
    /// case; the duplicate check compares it case-insensitively too.
    /// </summary>
    internal override object?[] Map(string?[] v, LineContext context) =>
    [
        ParseDate(v, 0, "date", context),
        Required(v, 1, "channel").ToLowerInvariant(),
        v[2] ?? "",
        ParseDecimal(v, 3, "cost", context),
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

    internal override bool KeysCanRepeat => false;

    internal override object?[] Map(string?[] v, LineContext context)
    {
        var date = ParseDate(v, 0, "date", context);
        var raw = Required(v, 1, "score");
        if (raw.Length > 2 || !int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var score) || score > 10)
        {
            throw new LineException($"score '{raw}' is not a whole number from 0 to 10");
        }

        var email = v[2] is { } e ? HashEmail(e) : null;
        var channel = v[3];
        var content = string.Join('\u001f', date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), score.ToString(CultureInfo.InvariantCulture), email ?? "", channel ?? "");
        var hash = Sha256(content);
        var seen = (Dictionary<string, int>)context.State!;
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

    internal override object?[] Map(string?[] v, LineContext context)
    {
        var kpi = KpiIds.Resolve(Required(v, 0, "kpi"));
        var start = ParseDate(v, 1, "period_start", context);
        var end = ParseDate(v, 2, "period_end", context);
        if (end < start)
        {
            throw new LineException($"period_end {end:yyyy-MM-dd} is before period_start {start:yyyy-MM-dd}");
        }

        return [kpi, start, end, ParseDecimal(v, 3, "target", context), v[4] ?? ""];
    }
}

/// <summary><c>fx_rates.csv</c>: date, currency, rate (units of the reporting currency per unit of currency, &gt; 0).</summary>
public sealed class FxRatesFormat : FileFormat
{
    public override string FileName => "fx_rates.csv";

    public override StreamDescriptor Stream => FilesStreams.FxRates;

    public override IReadOnlyList<CsvColumn> Columns { get; } =
        [new("date", true), new("currency", true), new("rate", true, "rate_to_reporting")];

    internal override object?[] Map(string?[] v, LineContext context)
    {
        var date = ParseDate(v, 0, "date", context);
        var currency = ParseCurrency(v, 1, "currency");
        var rate = ParseDecimal(v, 2, "rate", context);
        return rate <= 0 ? throw new LineException($"rate '{v[2]}' must be greater than 0") : [date, currency, rate];
    }
}
