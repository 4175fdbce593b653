using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Pipeline.Etl.Configuration;
using Pipeline.Sandbox;

namespace Pipeline.Reliability.Tests.Infrastructure;

/// <summary>
/// One configuration for both ways a case runs the pipeline: written as the CLI's JSON file, or bound and
/// validated in-process exactly as the CLI binds it (<see cref="ConfigValidator"/>).
/// </summary>
internal static class PipelineConfig
{
    /// <summary>Every source pointed at <paramref name="sandbox"/>, with small windows and pages and short waits.</summary>
    public static JsonObject Sources(SandboxServer sandbox, string filesFolder)
    {
        var c = sandbox.Credentials;
        // The world's days are UTC dates, but a first run counts its days back from today in the account's own time
        // zone (Berlin is a day ahead from 23:00 UTC): one more day keeps the world's first day inside every first run.
        var days = sandbox.World.Options.Days + 1;
        return new JsonObject
        {
            ["Ga4"] = new JsonObject
            {
                ["BaseUrl"] = sandbox.Ga4BaseAddress.ToString(),
                ["TokenUrl"] = sandbox.GoogleTokenUri.ToString(),
                ["QuotaRetryWait"] = Span(TimeSpan.FromMilliseconds(200)),
                ["Properties"] = new JsonArray(new JsonObject
                {
                    ["PropertyId"] = c.Ga4PropertyId,
                    ["ServiceAccountKeyJson"] = c.GoogleServiceAccountKeyJson,
                    ["FirstRunDays"] = days,
                    ["ChunkDays"] = 5,
                    ["PageSize"] = 150,
                }),
            },
            ["Meta"] = new JsonObject
            {
                ["BaseUrl"] = sandbox.MetaBaseAddress.ToString(),
                ["AccessToken"] = c.MetaAccessToken,
                ["AdAccountIds"] = new JsonArray([.. c.MetaAdAccountIds.Select(id => (JsonNode)JsonValue.Create(id))]),
                ["FirstRunDays"] = days,
                ["ChunkDays"] = 5,
                ["PageSize"] = 50,
                ["AsyncPollInterval"] = Span(TimeSpan.FromMilliseconds(20)),
                ["RetryBaseDelay"] = Span(TimeSpan.FromMilliseconds(50)),
                ["PacingMaxPause"] = Span(TimeSpan.FromMilliseconds(50)),
            },
            ["Mailchimp"] = new JsonObject
            {
                ["BaseUrl"] = sandbox.MailchimpBaseAddress.ToString(),
                ["PageSize"] = 50,
                ["RetryBaseDelay"] = Span(TimeSpan.FromMilliseconds(50)),
                ["Accounts"] = new JsonArray(new JsonObject { ["ApiKey"] = c.MailchimpApiKey }),
            },
            ["HubSpot"] = new JsonObject
            {
                ["BaseUrl"] = sandbox.HubSpotBaseAddress.ToString(),
                ["PageSize"] = 50,
                ["RetryBaseDelay"] = Span(TimeSpan.FromMilliseconds(50)),
                ["RollingWindowWait"] = Span(TimeSpan.FromMilliseconds(100)),
                ["SecondlyWait"] = Span(TimeSpan.FromMilliseconds(100)),
                ["Accounts"] = new JsonArray(new JsonObject { ["AccessToken"] = c.HubSpotAccessToken }),
            },
            ["Files"] = new JsonObject { ["Folder"] = filesFolder },
        };
    }

    /// <summary>A whole configuration: the warehouse and log folder of a case, its sources, and anything else.</summary>
    public static JsonObject Pipeline(string warehousePath, string logFolder, JsonObject sources, string logLevel = "Information") => new()
    {
        ["Warehouse"] = new JsonObject { ["Engine"] = "duckdb", ["DuckDb"] = new JsonObject { ["Path"] = warehousePath } },
        ["Logging"] = new JsonObject { ["Level"] = logLevel, ["Directory"] = logFolder },
        ["Sources"] = sources.Parent is null ? sources : sources.DeepClone(),
    };

    public static void Write(string path, JsonObject config) =>
        File.WriteAllText(path, config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

    /// <summary>Binds and validates as the CLI does; a configuration the CLI would refuse fails here too.</summary>
    public static PipelineOptions Bind(JsonObject config)
    {
        using var stream = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(config));
        var root = new ConfigurationBuilder().AddJsonStream(stream).Build();
        return ConfigValidator.BindAndValidate(root);
    }

    /// <summary>Copies the example CSV files (costs, NPS with e-mail addresses, targets, FX) into <paramref name="folder"/>.</summary>
    public static string WriteExampleFiles(string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "examples"), "*.csv"))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)), overwrite: true);
        }

        return folder;
    }

    private static string Span(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);
}
