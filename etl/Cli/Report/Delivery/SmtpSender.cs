using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using MimeKit;
using Pipeline.Etl.Delivery;
using Polly;
using Polly.Retry;

namespace Pipeline.Cli.Report.Delivery;

/// <summary>
/// Sends a message through the configured SMTP server with MailKit: a fresh connection per attempt, TLS as
/// <see cref="SmtpOptions.Security"/> says, login only when a username is set. Failed attempts are retried with
/// a doubling wait (<see cref="SmtpOptions.Attempts"/>, <see cref="SmtpOptions.RetryDelay"/>); the last failure is thrown.
/// </summary>
internal sealed class SmtpSender(SmtpOptions smtp, ILogger logger, TimeProvider clock)
{
    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        await Retry().ExecuteAsync(async token => await SendOnceAsync(message, token), cancellationToken);
    }

    private ResiliencePipeline Retry()
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = clock };
        if (smtp.Attempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = smtp.Attempts - 1,
                Delay = smtp.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = false,
                ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => ex is not OperationCanceledException),
                OnRetry = args =>
                {
                    logger.LogWarning("Sending mail via {Host}:{Port} failed (attempt {Attempt} of {Attempts}): {Error}; retrying in {Delay}",
                        smtp.Host, smtp.Port, args.AttemptNumber + 1, smtp.Attempts, args.Outcome.Exception?.Message, args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            });
        }

        return builder.Build();
    }

    private async Task SendOnceAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        using var client = new SmtpClient { Timeout = (int)smtp.Timeout.TotalMilliseconds };
        await client.ConnectAsync(smtp.Host, smtp.Port, Security(smtp.Security), cancellationToken);
        if (!string.IsNullOrEmpty(smtp.Username))
        {
            await client.AuthenticateAsync(smtp.Username, smtp.Password ?? "", cancellationToken);
        }

        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
    }

    private static SecureSocketOptions Security(SmtpSecurity security) => security switch
    {
        SmtpSecurity.None => SecureSocketOptions.None,
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.Auto,
    };
}
