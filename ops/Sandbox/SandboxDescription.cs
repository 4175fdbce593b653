using System.Text.Json;

namespace Pipeline.Sandbox;

/// <summary>
/// The running sandbox in one JSON line (camelCase keys): what a separate process (<c>pipeline demo</c>) needs to
/// point connectors at it. Keys are part of the demo contract: source modules read them by name.
/// </summary>
public static class SandboxDescription
{
    public static string Json(SandboxServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        var c = server.Credentials;
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("baseAddress", server.BaseAddress.ToString());
            // The world's span, so a client (pipeline init --sandbox) can ask for exactly the history it holds.
            w.WriteString("startDate", server.World.Options.StartDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            w.WriteNumber("days", server.World.Options.Days);
            w.WriteString("ga4BaseAddress", server.Ga4BaseAddress.ToString());
            w.WriteString("googleTokenUri", server.GoogleTokenUri.ToString());
            w.WriteString("ga4PropertyId", c.Ga4PropertyId);
            // Every property, ad account, key and token, an agency's clients after the world's own.
            Strings(w, "ga4PropertyIds", [c.Ga4PropertyId, .. c.Clients.Select(x => x.Ga4PropertyId).OfType<string>()]);
            w.WriteString("googleServiceAccountKeyJson", c.GoogleServiceAccountKeyJson);
            w.WriteString("metaBaseAddress", server.MetaBaseAddress.ToString());
            w.WriteString("metaAccessToken", c.MetaAccessToken);
            Strings(w, "metaAdAccountIds", [.. c.MetaAdAccountIds, .. c.Clients.Select(x => x.MetaAdAccountId).OfType<string>()]);
            w.WriteString("mailchimpBaseAddress", server.MailchimpBaseAddress.ToString());
            Strings(w, "mailchimpApiKeys", [.. c.MailchimpApiKeys, .. c.Clients.Select(x => x.MailchimpApiKey).OfType<string>()]);
            w.WriteString("hubSpotBaseAddress", server.HubSpotBaseAddress.ToString());
            w.WriteString("hubSpotAccessToken", c.HubSpotAccessToken);
            w.WriteString("hubSpotPortalId", c.HubSpotPortalId);
            Strings(w, "hubSpotAccessTokens", [c.HubSpotAccessToken, .. c.Clients.Select(x => x.HubSpotAccessToken).OfType<string>()]);
            w.WriteString("pipedriveBaseAddress", server.PipedriveBaseAddress.ToString());
            w.WriteString("pipedriveApiToken", c.PipedriveApiToken);
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Strings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }
}
