using Pipeline.Connectors;
using Pipeline.Cli.Kpi;
using Pipeline.Cli.Output;
using Pipeline.Etl;
using Pipeline.Etl.Configuration;
using Spectre.Console;

namespace Pipeline.Cli.Commands;

/// <summary>
/// <c>pipeline kpi</c>: KPI values from the marts for a period, grain and segment type, as a table, CSV or JSON.
/// Reads only; every number is the mart's (<c>mart.kpi_values</c>, <c>mart.kpi_over_range</c>).
/// </summary>
internal sealed class KpiCommand(
    WarehouseFactory warehouses,
    PipelineOptions options,
    IAnsiConsole console,
    CliEnvironment env,
    TimeProvider clock,
    KpiArguments arguments) : ICommandHandler
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var range = ResolveRange();
        if (range.From > range.To)
        {
            return await UsageAsync($"--from {range.From:yyyy-MM-dd} is after the end of the range ({range.To:yyyy-MM-dd})");
        }

        await using var warehouse = warehouses.OpenForReading();
        if (warehouse.ReadingPublishedCopy is { } note)
        {
            await env.Error.WriteLineAsync(note);
        }
        var query = new KpiQuery(warehouse.Reader);
        if (!await query.HasMartsAsync(cancellationToken))
        {
            throw new InvalidOperationException($"the {warehouse.Name} warehouse at {warehouse.Location} has no KPI marts (mart.kpi_catalog, mart.kpi_values, mart.kpi_over_range); run 'pipeline migrate'");
        }

        if (!await query.HasStatusAsync(cancellationToken))
        {
            throw new InvalidOperationException($"the {warehouse.Name} warehouse at {warehouse.Location} has KPI marts without coverage (mart.kpi_values has no status column); run 'pipeline migrate'"
                + (warehouse.ReadingPublishedCopy is null ? "" : " and 'pipeline publish'"));
        }

        var catalog = await query.ReadCatalogAsync(cancellationToken);
        var (kpis, error) = SelectKpis(catalog);
        if (error is not null)
        {
            return await UsageAsync(error);
        }

        var selection = new KpiSelection(kpis.Select(k => k.Id).ToList(), range, Grain, arguments.By, arguments.Segment);
        var rows = await new Feedback(env, clock).RunAsync("reading KPI values", () => query.ReadValuesAsync(selection, cancellationToken));
        await WriteNotesAsync(query, selection, kpis, rows, cancellationToken);
        switch (arguments.Format)
        {
            case "csv":
                KpiOutput.WriteCsv(env.Out, rows);
                break;
            case "json":
                KpiOutput.WriteJson(env.Out, rows);
                break;
            default:
                if (rows.Count == 0)
                {
                    console.WriteLine($"No KPI values: {Title(range)}");
                }
                else
                {
                    KpiOutput.WriteTable(console, Title(range), kpis, rows, showSegment: arguments.By != "all", arguments.Layout);
                }

                break;
        }

        return ExitCodes.Ok;
    }

    /// <summary>A total unless a grain is asked for: one number per KPI and segment over the whole range.</summary>
    private string Grain => arguments.Grain ?? "total";

    private KpiRange ResolveRange()
    {
        var today = Today();
        if (arguments.From is { } from)
        {
            return new KpiRange(from, arguments.To ?? today, "custom");
        }

        return KpiPeriods.Resolve(arguments.Period ?? KpiPeriods.Default, today);
    }

    /// <summary>Today in the reporting time zone, the zone CRM dates and targets are kept in.</summary>
    private DateOnly Today()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(options.Reporting.TimeZone);
        return DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), zone).DateTime);
    }

    private (IReadOnlyList<KpiCatalogEntry> Kpis, string? Error) SelectKpis(IReadOnlyList<KpiCatalogEntry> catalog)
    {
        var byId = catalog.ToDictionary(k => k.Id, StringComparer.OrdinalIgnoreCase);
        List<KpiCatalogEntry> wanted;
        if (arguments.KpiIds.Count > 0)
        {
            var unknown = arguments.KpiIds.Where(id => !byId.ContainsKey(id)).ToList();
            if (unknown.Count > 0)
            {
                var published = catalog.Where(k => k.MartView == KpiQuery.ValuesView).Select(k => k.Id).Order(StringComparer.Ordinal).ToList();
                var close = DidYouMean.Closest(unknown[0], published);
                return ([], $"unknown KPI '{unknown[0]}'"
                    + (close.Count > 0 ? $"; did you mean {string.Join(", ", close)}?" : "")
                    + $" (valid: {string.Join(", ", published)})");
            }

            wanted = arguments.KpiIds.Select(id => byId[id]).DistinctBy(k => k.Id).ToList();
        }
        else
        {
            wanted = catalog.Where(k => k.Audiences.Contains(arguments.Audience, StringComparer.OrdinalIgnoreCase)).ToList();
        }

        var elsewhere = wanted.Where(k => k.MartView != KpiQuery.ValuesView).ToList();
        var kpis = wanted.Except(elsewhere).ToList();
        var where = string.Join("; ", elsewhere.Select(k => $"{k.Id} is published in {k.MartView}"));
        if (kpis.Count == 0)
        {
            return ([], $"no KPI to show from {KpiQuery.ValuesView}: {where}");
        }

        if (elsewhere.Count > 0)
        {
            Note($"{where} (not by pipeline kpi)");
        }

        return (kpis, null);
    }

    /// <summary>Says on stderr why a result is empty or a KPI has no column; stdout keeps only the result.</summary>
    private async Task WriteNotesAsync(KpiQuery query, KpiSelection selection, IReadOnlyList<KpiCatalogEntry> kpis, IReadOnlyList<KpiRow> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            if (!await query.HasAnyMeasureAsync(cancellationToken))
            {
                Note("the warehouse holds no data yet: run 'pipeline sync' to load the sources");
                return;
            }

            if (selection.Segment is not null)
            {
                var segments = await query.SegmentsAsync(selection, cancellationToken);
                if (segments.Count > 0)
                {
                    Note($"no {selection.SegmentType} '{selection.Segment}' in {selection.Range}; {selection.SegmentType} values there: {string.Join(", ", segments)}");
                    return;
                }
            }

            Note($"no KPI values in {selection.Range} at grain {selection.Grain} by {selection.SegmentType}");
            return;
        }

        // The table marks these with *; csv and json keep the mart's fields only, so the note says it here.
        var partial = rows.Where(r => r.Partial).Select(r => $"{r.PeriodStart:yyyy-MM-dd}..{r.PeriodEnd:yyyy-MM-dd}").Distinct().ToList();
        if (partial.Count > 0 && arguments.Format != "table")
        {
            Note($"{string.Join(", ", partial)} reach outside {selection.Range}; their values cover the whole {selection.Grain}");
        }

        var missing = kpis.Where(k => rows.All(r => r.KpiId != k.Id)).Select(k => k.Id).ToList();
        if (missing.Count > 0)
        {
            var published = await query.WherePublishedAsync(missing, cancellationToken);
            Note("no values in this selection for " + string.Join("; ", missing.Select(id =>
                published.TryGetValue(id, out var at) ? $"{id} ({KpiQuery.ValuesView} has it at {at})" : id)));
        }
    }

    private string Title(KpiRange range)
    {
        var period = range.Label == "custom" ? range.ToString() : $"{range.Label}, {range}";
        var segment = arguments.By == "all" ? "all segments" : $"by {arguments.By}";
        if (arguments.Segment is not null)
        {
            segment += $" = {arguments.Segment}";
        }

        return $"KPIs {period} · grain {Grain} · {segment}";
    }

    private void Note(string message) => env.Error.WriteLine($"pipeline: note: {message}");

    private async Task<int> UsageAsync(string message)
    {
        await env.Error.WriteLineAsync($"pipeline: error: {message}");
        return ExitCodes.Usage;
    }
}

internal sealed record KpiArguments(
    IReadOnlyList<string> KpiIds,
    string Audience,
    string? Grain,
    string? Period,
    DateOnly? From,
    DateOnly? To,
    string By,
    string? Segment,
    string Format,
    KpiLayout Layout = KpiLayout.Auto);
