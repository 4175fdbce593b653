using Pipeline.Connectors.Files;
using Pipeline.Connectors.Ga4;
using Pipeline.Connectors.HubSpot;
using Pipeline.Connectors.Mailchimp;
using Pipeline.Connectors.Meta;
using Pipeline.Etl.Configuration;
using Pipeline.Sandbox;

namespace Pipeline.Marts.Tests;

/// <summary>
/// Every source wired to a running sandbox with its fake credentials: the one place the marts tests (and, linked, the
/// SQL Server parity tests) configure a sandbox's sources.
/// </summary>
internal static class SandboxSources
{
    /// <param name="mailchimp">False leaves Mailchimp out (a small world that only needs ads, web and CRM).</param>
    /// <param name="filesFolder">The test's CSV files, or null for none.</param>
    public static SourcesOptions For(SandboxServer sandbox, int firstRunDays, bool mailchimp = true, string? filesFolder = null)
    {
        var credentials = sandbox.Credentials;
        return new SourcesOptions
        {
            Ga4 = new Ga4Options
            {
                BaseUrl = sandbox.Ga4BaseAddress,
                TokenUrl = sandbox.GoogleTokenUri,
                Properties = [new Ga4PropertyOptions { PropertyId = credentials.Ga4PropertyId, ServiceAccountKeyJson = credentials.GoogleServiceAccountKeyJson, FirstRunDays = firstRunDays }],
            },
            Meta = new MetaOptions
            {
                BaseUrl = sandbox.MetaBaseAddress,
                AccessToken = credentials.MetaAccessToken,
                AdAccountIds = [.. credentials.MetaAdAccountIds],
                FirstRunDays = firstRunDays,
                AsyncPollInterval = TimeSpan.FromMilliseconds(50),
            },
            Mailchimp = mailchimp ? new MailchimpOptions { BaseUrl = sandbox.MailchimpBaseAddress, Accounts = [new MailchimpAccountOptions { ApiKey = credentials.MailchimpApiKey }] } : null,
            HubSpot = new HubSpotOptions { BaseUrl = sandbox.HubSpotBaseAddress, Accounts = [new HubSpotAccountOptions { AccessToken = credentials.HubSpotAccessToken }] },
            Files = filesFolder is null ? null : new FilesOptions { Folder = filesFolder },
        };
    }

}
