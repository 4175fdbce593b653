using System.Text.Json.Nodes;

namespace Pipeline.Cli.Init;

/// <summary>What the user told <c>pipeline init</c> about a source: its ids (empty: placeholders to edit).</summary>
internal sealed record SourceAnswers(IReadOnlyList<string> Ids, string? Folder = null);

/// <summary>
/// The sections <c>pipeline init</c> writes for real accounts, and the comment of every key it writes (for real
/// accounts and for the sandbox). Secrets are never written for real accounts: a note says which environment
/// variable carries each one (<c>PIPELINE__…</c>, as README's Configuration section describes).
/// </summary>
internal static class InitTemplates
{
    /// <summary>The sources <c>init</c> offers, by their source names (<c>--sources</c>).</summary>
    public static readonly IReadOnlyList<string> SourceNames = ["ga4", "meta", "mailchimp", "hubspot", "files"];

    /// <summary>Numeric ids that pass validation but name no account: the user replaces them (init says so).</summary>
    public const string Ga4PlaceholderProperty = "000000000";

    public const string MetaPlaceholderAccount = "0000000000";

    public const string GuideLink = "ops/docs/credentials.md";

    private static readonly Dictionary<string, string> Comments = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Warehouse"] = "Where the data lands. Later settings win: appsettings.json beside the binary, this file, then\nPIPELINE__SECTION__KEY environment variables (e.g. PIPELINE__WAREHOUSE__DUCKDB__PATH).",
        ["Warehouse:Engine"] = "duckdb (one embedded file, nothing to run) or sqlserver (production: give the connection string as\nPIPELINE__WAREHOUSE__SQLSERVER__CONNECTIONSTRING, never in this file).",
        ["Warehouse:DuckDb"] = "The embedded warehouse.",
        ["Warehouse:DuckDb:Path"] = "The database file, relative to the folder you run pipeline in unless absolute.",
        ["Warehouse:DuckDb:MemoryLimit"] = "What DuckDB's buffers may hold before spilling to <file>.tmp (e.g. 512MB, 2GB).",
        ["Warehouse:DuckDb:QueryMemoryLimit"] = "What DuckDB may hold while the KPI marts are read (kpi, report, publishing); the views need more than loads.",
        ["Logging"] = "Logs: readable lines on stderr, and a daily JSON file in Directory (secrets are scrubbed).",
        ["Logging:Level"] = "Verbose, Debug, Information, Warning, Error or Fatal.",
        ["Logging:Directory"] = "Folder of the daily log files; empty turns the file log off.",
        ["Reporting"] = "How the KPI marts report.",
        ["Reporting:Currency"] = "ISO 4217 code every amount is converted to (FX rates from the files source's fx_rates.csv).",
        ["Reporting:TimeZone"] = "IANA time zone of \"today\" and of the periods (last-7d, mtd, ...).",
        ["Sources"] = $"One section per source; remove a section to stop syncing it. How to get each credential, with the\nleast permissions: {GuideLink}.",
        ["Sources:Ga4"] = "Google Analytics 4 (Data API v1beta): one entry per property.",
        ["Sources:Ga4:BaseUrl"] = "The API's address: this one is the sandbox's GA4 emulator (remove the key for Google's).",
        ["Sources:Ga4:TokenUrl"] = "Where access tokens come from: the sandbox's token endpoint (remove the key for Google's).",
        ["Sources:Ga4:Properties"] = "The properties to read.",
        ["Sources:Ga4:Properties:PropertyId"] = "The numeric property id (GA4 Admin > Property details), not the G-... measurement id.",
        ["Sources:Ga4:Properties:ServiceAccountKeyPath"] = "The JSON key file of a service account with Viewer on the property (a secret: keep the file\nreadable by the pipeline's user only). Or remove this key and give the key itself as\nPIPELINE__SOURCES__GA4__PROPERTIES__0__SERVICEACCOUNTKEYJSON.",
        ["Sources:Ga4:Properties:ServiceAccountKeyJson"] = "The service account's key itself. This one is the sandbox's fake key: it opens only the sandbox.",
        ["Sources:Ga4:Properties:LookbackDays"] = "Days re-read every run, because GA4 keeps processing recent days (0-60).",
        ["Sources:Ga4:Properties:FirstRunDays"] = "History the first run reads (default 396, about 13 months).",
        ["Sources:Meta"] = "Meta (Facebook/Instagram) Ads, Marketing API insights.",
        ["Sources:Meta:BaseUrl"] = "The API's address: this one is the sandbox's Meta emulator (remove the key for graph.facebook.com).",
        ["Sources:Meta:AccessToken"] = "The access token. This one is the sandbox's fake token: it opens only the sandbox.",
        ["Sources:Meta:AdAccountIds"] = "The ad accounts to read: the number after act_ (Business settings > Ad accounts).",
        ["Sources:Meta:Level"] = "Insights level: account, campaign, adset or ad.",
        ["Sources:Meta:LookbackDays"] = "Days re-read every run, because conversions are attributed late (0-28).",
        ["Sources:Meta:FirstRunDays"] = "History the first run reads (Meta serves 37 months).",
        ["Sources:Meta:AsyncPollInterval"] = "How often a report job is polled (the sandbox finishes its jobs at once).",
        ["Sources:Mailchimp"] = "Mailchimp Marketing API: one entry per account.",
        ["Sources:Mailchimp:BaseUrl"] = "The API's address: this one is the sandbox's Mailchimp emulator (remove the key for Mailchimp's).",
        ["Sources:Mailchimp:Accounts"] = "The accounts to read.",
        ["Sources:Mailchimp:Accounts:Name"] = "A label for logs and errors (never the key).",
        ["Sources:Mailchimp:Accounts:ApiKey"] = "The API key (its -usNN suffix names the data center). This one is the sandbox's: it opens only the sandbox.",
        ["Sources:Mailchimp:ReportRereadDays"] = "Campaigns sent in these last days have their reports read again (opens and clicks keep arriving).",
        ["Sources:HubSpot"] = "HubSpot CRM: one entry per portal.",
        ["Sources:HubSpot:BaseUrl"] = "The API's address: this one is the sandbox's HubSpot emulator (remove the key for api.hubapi.com).",
        ["Sources:HubSpot:Accounts"] = "The portals to read.",
        ["Sources:HubSpot:Accounts:Name"] = "A label for logs and errors (never the token).",
        ["Sources:HubSpot:Accounts:PortalId"] = "The portal (hub) id, the number in app.hubspot.com/contacts/<id>; checked against the token's portal.\nLeave it out to read it from the token.",
        ["Sources:HubSpot:Accounts:AccessToken"] = "The private-app token. This one is the sandbox's: it opens only the sandbox.",
        ["Sources:Files"] = "CSV files for what no API provides: marketing_costs.csv, nps_responses.csv, kpi_targets.csv,\nfx_rates.csv (formats: ops/examples/files/README.md).",
        ["Sources:Files:Folder"] = "The folder holding them, relative to the folder you run pipeline in unless absolute.",
    };

    /// <summary>The comment of a key path (list indices left out), or null.</summary>
    public static string? CommentOf(string path) => Comments.GetValueOrDefault(path);

    /// <summary>Every key path that has a comment (tests check written keys against it).</summary>
    public static IReadOnlyCollection<string> CommentedPaths => Comments.Keys;

    /// <summary>The section of one source for real accounts, and the environment variables of its secrets.</summary>
    public static (JsonObject Section, IReadOnlyList<SecretVariable> Secrets) Section(string source, SourceAnswers answers)
    {
        var ids = answers.Ids;
        switch (source)
        {
            case "ga4":
                var properties = new JsonArray();
                foreach (var id in ids.Count == 0 ? [Ga4PlaceholderProperty] : ids)
                {
                    properties.Add(new JsonObject
                    {
                        ["PropertyId"] = id,
                        ["ServiceAccountKeyPath"] = "/etc/pipeline/ga4-service-account.json",
                        ["LookbackDays"] = 3,
                    });
                }

                return (new JsonObject { ["Properties"] = properties }, []);
            case "meta":
                return (
                    new JsonObject
                    {
                        ["AdAccountIds"] = new JsonArray([.. (ids.Count == 0 ? [MetaPlaceholderAccount] : ids).Select(id => (JsonNode)id)]),
                        ["Level"] = "ad",
                        ["LookbackDays"] = 28,
                    },
                    [new("Sources:Meta", "AccessToken", "PIPELINE__SOURCES__META__ACCESSTOKEN", "a system-user token with ads_read")]);
            case "mailchimp":
                return (
                    new JsonObject { ["Accounts"] = new JsonArray(new JsonObject { ["Name"] = "main" }), ["ReportRereadDays"] = 30 },
                    [new("Sources:Mailchimp:Accounts", "ApiKey", "PIPELINE__SOURCES__MAILCHIMP__ACCOUNTS__0__APIKEY", "the API key, ending in -usNN")]);
            case "hubspot":
                var portal = new JsonObject { ["Name"] = "main" };
                if (ids.Count > 0)
                {
                    portal["PortalId"] = ids[0];
                }

                return (
                    new JsonObject { ["Accounts"] = new JsonArray(portal) },
                    [new("Sources:HubSpot:Accounts", "AccessToken", "PIPELINE__SOURCES__HUBSPOT__ACCOUNTS__0__ACCESSTOKEN", "the private-app token, pat-...")]);
            case "files":
                return (new JsonObject { ["Folder"] = answers.Folder ?? "files" }, []);
            default:
                throw new ArgumentOutOfRangeException(nameof(source), source, "not a source init offers");
        }
    }

    /// <summary>The configuration section a source name is written under.</summary>
    public static string SectionName(string source) => Etl.Sources.Find(source)?.Section ?? throw new ArgumentOutOfRangeException(nameof(source), source, "no such source");
}

/// <summary>A secret the file leaves out: the object it belongs in, its key, the variable that supplies it, and what it is.</summary>
internal sealed record SecretVariable(string ObjectPath, string Key, string Variable, string What)
{
    public string Note => $"{Key}: a secret, not in this file: export {Variable}='...' ({What}).";
}
