namespace Pipeline.Etl.Delivery;

/// <summary>One report sent by e-mail on a cron: which tab, which period, to whom.</summary>
public sealed class ReportDeliveryOptions
{
    /// <summary>Names the delivery in <c>pipeline report --send --delivery NAME</c>, the scheduler's job and alerts.</summary>
    public string Name { get; set; } = "";

    /// <summary>The report tab shown inline in the mail: executive, marketing or specialist (all tabs are attached).</summary>
    public string Audience { get; set; } = "executive";

    /// <summary>A report period (last-7d, last-30d, last-month, mtd, ...), relative to the day it is sent.</summary>
    public string Period { get; set; } = "last-7d";

    /// <summary>Quartz cron (seconds minutes hours day-of-month month day-of-week) in the schedule's time zone.</summary>
    public string Cron { get; set; } = "";

    /// <summary>Recipients' addresses.</summary>
    public List<string> To { get; set; } = [];

    /// <summary>Subject; {name}, {audience}, {period}, {from} and {to} are replaced. Empty: a default naming the period.</summary>
    public string? Subject { get; set; }
}

public enum SmtpSecurity
{
    /// <summary>Plain connection (a relay on the same host or a test server).</summary>
    None,

    /// <summary>Plain connect, then STARTTLS, required (port 587).</summary>
    StartTls,

    /// <summary>TLS from the first byte (port 465).</summary>
    SslOnConnect,

    /// <summary>TLS on 465, STARTTLS when the server offers it elsewhere.</summary>
    Auto,
}

/// <summary>The mail server reports are sent through.</summary>
public sealed class SmtpOptions
{
    public string Host { get; set; } = "";

    public int Port { get; set; } = 587;

    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;

    /// <summary>Empty: no authentication.</summary>
    public string? Username { get; set; }

    /// <summary>A secret: masked by <c>config check</c>, scrubbed from logs and alerts.</summary>
    public string? Password { get; set; }

    /// <summary>Sender address, e.g. "Pipeline &lt;reports@example.com&gt;".</summary>
    public string From { get; set; } = "";

    /// <summary>Attempts of one delivery before it is alerted (the first included).</summary>
    public int Attempts { get; set; } = 3;

    /// <summary>Wait before the second attempt, doubled for each further one.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Bound of each connect, command and the upload.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);
}

/// <summary>Builds and sends a configured delivery now; implemented where the report is built (the CLI).</summary>
public interface IReportDelivery
{
    /// <summary>Sends the delivery, retrying; after the last failed attempt alerts and throws <see cref="ReportDeliveryException"/>.</summary>
    Task SendAsync(string deliveryName, CancellationToken cancellationToken);
}

/// <summary>A delivery that failed all its attempts (already alerted); its message is one redacted line.</summary>
public sealed class ReportDeliveryException(string message, Exception? inner = null) : Exception(message, inner);
