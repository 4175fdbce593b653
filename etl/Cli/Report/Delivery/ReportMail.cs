using System.Text;
using MimeKit;
using Pipeline.Cli.Kpi;
using Pipeline.Etl.Delivery;

namespace Pipeline.Cli.Report.Delivery;

/// <summary>
/// The mail of a delivery: one audience's report inline as the HTML body (what mail clients show), the full
/// report with every tab attached as an .html file, and a plain-text part for clients that show no HTML.
/// </summary>
internal static class ReportMail
{
    public const string DefaultSubject = "Marketing KPI report ({audience}): {period}, {from} to {to}";

    public static MimeMessage Build(ReportDeliveryOptions delivery, string from, ReportData data)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        ArgumentNullException.ThrowIfNull(data);
        var range = data.Request.Range;
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        foreach (var to in delivery.To)
        {
            message.To.Add(MailboxAddress.Parse(to));
        }

        message.Subject = Subject(delivery, range);
        var body = new BodyBuilder
        {
            HtmlBody = HtmlReport.RenderForMail(data, delivery.Audience),
            TextBody = $"{message.Subject}\n\nThe report is in this mail's HTML part and attached as a file (open it in a browser for every tab).\n",
        };
        var fileName = $"report-{delivery.Name}-{range.From:yyyy-MM-dd}-{range.To:yyyy-MM-dd}.html";
        body.Attachments.Add(fileName, Encoding.UTF8.GetBytes(HtmlReport.Render(data)), new ContentType("text", "html") { Charset = "utf-8" });
        message.Body = body.ToMessageBody();
        return message;
    }

    public static string Subject(ReportDeliveryOptions delivery, KpiRange range)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        ArgumentNullException.ThrowIfNull(range);
        var template = string.IsNullOrWhiteSpace(delivery.Subject) ? DefaultSubject : delivery.Subject;
        return template
            .Replace("{name}", delivery.Name, StringComparison.Ordinal)
            .Replace("{audience}", delivery.Audience, StringComparison.Ordinal)
            .Replace("{period}", ReportFormat.PeriodName(range.Label), StringComparison.Ordinal)
            .Replace("{from}", range.From.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{to}", range.To.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }
}
