using System.Globalization;
using System.Net.Mail;
using Pipeline.Etl.Configuration;
using Quartz;

namespace Pipeline.Etl.Delivery;

/// <summary>What the <c>Reports</c> and <c>Smtp</c> settings mean; each problem names its key.</summary>
public static class DeliveryConfig
{
    /// <summary>The report's named periods (the CLI's period parser resolves them).</summary>
    public static readonly string[] Periods = ["last-7d", "last-30d", "last-90d", "mtd", "qtd", "ytd", "last-month", "last-quarter"];

    /// <summary>The report's tabs.</summary>
    public static readonly string[] Audiences = ["executive", "marketing", "specialist"];

    public static void Check(PipelineOptions options, Action<string, string> fail)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(fail);
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Reports.Count; i++)
        {
            var key = string.Create(CultureInfo.InvariantCulture, $"Reports:{i}");
            var report = options.Reports[i];
            if (string.IsNullOrWhiteSpace(report.Name) || report.Name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
            {
                fail($"{key}:Name", $"'{report.Name}' is not a delivery name (letters, digits, '-' and '_')");
            }
            else if (!names.Add(report.Name))
            {
                fail($"{key}:Name", $"'{report.Name}' names two deliveries");
            }

            if (!Audiences.Contains(report.Audience, StringComparer.Ordinal))
            {
                fail($"{key}:Audience", $"'{report.Audience}' is not a report tab (use {string.Join(", ", Audiences)})");
            }

            if (!Periods.Contains(report.Period, StringComparer.Ordinal))
            {
                fail($"{key}:Period", $"'{report.Period}' is not a report period (use {string.Join(", ", Periods)})");
            }

            if (string.IsNullOrWhiteSpace(report.Cron) || !CronExpression.TryParse(report.Cron.Trim(), out _))
            {
                fail($"{key}:Cron", $"'{report.Cron}' is not a Quartz cron expression (e.g. '0 0 8 ? * MON' for Mondays 08:00)");
            }

            if (report.To.Count == 0)
            {
                fail($"{key}:To", "names no recipient");
            }

            foreach (var (address, j) in report.To.Select((a, j) => (a, j)))
            {
                if (!IsAddress(address))
                {
                    fail(string.Create(CultureInfo.InvariantCulture, $"{key}:To:{j}"), $"'{address}' is not an e-mail address");
                }
            }
        }

        if (options.Reports.Count > 0)
        {
            CheckSmtp(options.Smtp, fail);
        }
    }

    private static void CheckSmtp(SmtpOptions smtp, Action<string, string> fail)
    {
        if (string.IsNullOrWhiteSpace(smtp.Host) || Uri.CheckHostName(smtp.Host) == UriHostNameType.Unknown)
        {
            fail("Smtp:Host", $"'{smtp.Host}' is not a host name (Reports are configured, so Smtp:Host is required)");
        }

        if (smtp.Port is < 1 or > 65535)
        {
            fail("Smtp:Port", string.Create(CultureInfo.InvariantCulture, $"{smtp.Port} is outside 1..65535"));
        }

        if (!IsAddress(smtp.From))
        {
            fail("Smtp:From", $"'{smtp.From}' is not an e-mail address (the sender, e.g. reports@example.com)");
        }

        if (string.IsNullOrEmpty(smtp.Username) != string.IsNullOrEmpty(smtp.Password))
        {
            fail(string.IsNullOrEmpty(smtp.Username) ? "Smtp:Username" : "Smtp:Password", "Username and Password go together (both empty: no authentication)");
        }

        if (smtp.Attempts is < 1 or > 10)
        {
            fail("Smtp:Attempts", string.Create(CultureInfo.InvariantCulture, $"{smtp.Attempts} is outside 1..10"));
        }

        if (smtp.RetryDelay < TimeSpan.Zero || smtp.RetryDelay > TimeSpan.FromHours(1))
        {
            fail("Smtp:RetryDelay", $"{smtp.RetryDelay} is outside 00:00:00..01:00:00");
        }

        if (smtp.Timeout < TimeSpan.FromSeconds(1) || smtp.Timeout > TimeSpan.FromMinutes(30))
        {
            fail("Smtp:Timeout", $"{smtp.Timeout} is outside 00:00:01..00:30:00");
        }
    }

    private static bool IsAddress(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        try
        {
            _ = new MailAddress(text);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
