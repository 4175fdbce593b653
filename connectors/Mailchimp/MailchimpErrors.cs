using System.Text.Json;

namespace Pipeline.Connectors.Mailchimp;

/// <summary>Mailchimp settings that cannot work (no credential, the same account twice, …).</summary>
public sealed class MailchimpConfigException : Exception
{
    public MailchimpConfigException(string message) : base(message) { }

    public MailchimpConfigException() { }

    public MailchimpConfigException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>Mailchimp refused the credential (401: a wrong key, a revoked token, the wrong datacenter) or forbade access (403 with a problem document).</summary>
public sealed class MailchimpAuthException : Exception
{
    public MailchimpAuthException(string message) : base(message) { }

    public MailchimpAuthException() { }

    public MailchimpAuthException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>Mailchimp's error body: <c>{"type","title","status","detail","instance"}</c>.</summary>
internal static class MailchimpProblem
{
    /// <summary>"title: detail" from the problem document quoted in an SDK error message, or null.</summary>
    public static string? Describe(string message)
    {
        var start = message.IndexOf('{', StringComparison.Ordinal);
        var end = message.LastIndexOf('}');
        if (start < 0 || end <= start)
        {
            return null;
        }

        try
        {
            var problem = JsonSerializer.Deserialize(message.AsSpan(start, end - start + 1), MailchimpJson.Default.ProblemDocument);
            if (problem?.Title is not { Length: > 0 } title)
            {
                return null;
            }

            return problem.Detail is { Length: > 0 } detail ? $"{title}: {detail}" : title;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
