using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Cli.Kpi;
using Pipeline.Cli.Report;
using Pipeline.Etl;
using Pipeline.Etl.Configuration;
using Pipeline.Warehouse;

namespace Pipeline.Report.Tests;

/// <summary>The report's model and HTML for any range, read from the demo warehouse the way <c>pipeline report</c> reads it.</summary>
internal static class ReportReading
{
    /// <summary>Today where the demo reports (Europe/Berlin): the demo's targets are for this day's month and quarter.</summary>
    public static DateOnly Today =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin")).DateTime);

    public static DateOnly MonthStart => new(Today.Year, Today.Month, 1);

    public static DateOnly QuarterStart => new(Today.Year, ((Today.Month - 1) / 3 * 3) + 1, 1);

    public static async Task<(ReportData Data, string Html)> ReadAsync(KpiRange range)
    {
        var options = new PipelineOptions
        {
            Warehouse = new WarehouseOptions { DuckDb = new DuckDbSettings { Path = ReportFixture.WarehousePath } },
            Reporting = new ReportingSettings { Currency = "EUR", TimeZone = "Europe/Berlin" },
        };
        await using var warehouse = new WarehouseFactory(options, NullLoggerFactory.Instance).Open(createIfMissing: false);
        var data = await new MartReportReader(warehouse.Reader).ReadAsync(new ReportRequest(range, ReportPeriods.Previous(range), DateTimeOffset.UtcNow), CancellationToken.None);
        return (data, HtmlReport.Render(data));
    }

    public static KpiTile Tile(ReportData data, string audience, string kpiId) =>
        data.Audiences.Single(a => a.Id == audience).Tiles.Single(t => t.Kpi.Id == kpiId);
}
