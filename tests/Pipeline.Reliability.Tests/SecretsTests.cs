using System.Text;
using System.Text.Json.Nodes;
using Dapper;
using DuckDB.NET.Data;
using Pipeline.Reliability.Tests.Infrastructure;
using Pipeline.Sandbox;
using Pipeline.Sandbox.Faults;

namespace Pipeline.Reliability.Tests;

/// <summary>
/// The whole pipeline (every source, as <c>pipeline demo</c> wires them, through the CLI binary at Debug log level,
/// with retries, an expired token and failing windows so exception messages are written too) runs on sentinel
/// secret values. No sentinel may appear on the console, in the log files, in the warehouse (any text column of any
/// table, the run log's errors included) or in an exception message; <c>config check</c> masks every one.
/// </summary>
/// <remarks>
/// LoggingTests and ConfigurationTests (Pipeline.Cli.Tests) cover the redacting sink and masking key by key; this
/// case covers the whole run end to end, including values the configuration never held (issued GA4 access tokens
/// and the Mailchimp Basic header).
/// </remarks>
public sealed class SecretsTests
{
    /// <summary>Every sentinel carries this infix, so a leak of any of them is one search.</summary>
    private const string Infix = "S3NT1NEL";

    private static readonly SandboxCredentialOverrides Sentinels = new()
    {
        MetaAccessToken = "EAAB" + Infix + "meta0access0token0value0000000000000000",
        MailchimpApiKey = "5e71" + Infix + "mailchimp0key00000000-us21",
        HubSpotAccessToken = "pat-eu1-" + Infix + "-hubspot-private-app-token",
        GoogleClientSecret = "GOCSPX-" + Infix + "google0client0secret",
        GoogleRefreshToken = "1//" + Infix + "google0refresh0token0value",
    };

    private const string SqlServerPassword = "Pw" + Infix + "sqlserver0password";

    [Test]
    public async Task No_sentinel_secret_reaches_console_logs_warehouse_or_errors_and_config_check_masks_them()
    {
        using var folder = new TempFolder("secrets");
        var world = Worlds.Small(Worlds.TodayUtc, days: 7);
        await using var sandbox = await SandboxServer.StartAsync(Worlds.Sandbox(world) with { Credentials = Sentinels });
        var files = PipelineConfig.WriteExampleFiles(folder.File("files"));
        var warehouse = folder.File("warehouse.duckdb");
        var logs = folder.File("logs");
        var config = folder.File("pipeline.json");
        PipelineConfig.Write(config, Config(sandbox, warehouse, logs, files));
        var console = new StringBuilder();
        async Task<CliResult> Run(params string[] args)
        {
            var result = await CliProcess.RunAsync(folder.Path, [.. args, "--config", config]);
            console.Append(result.Out).Append(result.Error);
            return result;
        }

        var check = await Run("config", "check");
        Assert.That(check.ExitCode, Is.Zero, check.Error);
        Assert.That(check.Out, Does.Contain("Sources:Meta:AccessToken").And.Contain("********"), "config check lists the key with its value masked");

        // A sync with 10 % server errors and dropped connections, and each static token expiring mid-run (Meta's
        // error names the URL): retries, failures and exception messages all get written somewhere.
        sandbox.Faults.Options = new FaultOptions { Seed = 5, ServerErrorRate = 0.1, DropConnectionRate = 0.05 };
        using var stop = new CancellationTokenSource();
        var expiries = MidRunFaults.ForceAsync(sandbox, [SandboxApi.Meta, SandboxApi.Mailchimp, SandboxApi.HubSpot], FaultKind.ExpiredToken, after: 6, count: 4, stop.Token);
        var second = await Run("sync");
        await stop.CancelAsync();
        Assert.That(await expiries, Is.Empty, "every static token expired mid-run");
        Assert.That(second.ExitCode, Is.EqualTo(1), "the expired tokens fail windows: " + second.Error);
        Assert.That(second.Error, Does.Contain("pipeline: error:"));
        Assert.That(await Run("status"), Has.Property(nameof(CliResult.ExitCode)).Not.EqualTo(2));
        Assert.That((await Run("kpi", "--period", "last-7d")).ExitCode, Is.Zero);

        var places = new Dictionary<string, string>
        {
            ["console (stdout and stderr of every command)"] = console.ToString(),
            ["log files"] = string.Concat(Directory.GetFiles(logs).Select(File.ReadAllText)),
            ["warehouse"] = await AllTextAsync(warehouse),
        };
        Assert.That(places["log files"], Does.Contain("\"@x\""), "the log file holds exception details to search");
        Assert.That(await FailedWindowsAsync(warehouse), Is.GreaterThanOrEqualTo(3), "the run log holds the failures' messages: " + second.Error);
        var secrets = SecretForms(sandbox).ToList();
        var leaks = places.SelectMany(p => secrets.Where(s => p.Value.Contains(s.Value, StringComparison.OrdinalIgnoreCase)).Select(s => $"{s.Name} in {p.Key}")).ToList();
        leaks.AddRange(places.Where(p => p.Value.Contains("ya29.a0sandbox", StringComparison.Ordinal)).Select(p => $"an issued GA4 access token in {p.Key}"));
        Figures.Record("secrets", $"{secrets.Count} secret forms searched in {places.Sum(p => p.Value.Length)} characters of console, logs and warehouse text; {leaks.Count} leaks");
        Assert.That(leaks, Is.Empty);
    }

    private static JsonObject Config(SandboxServer sandbox, string warehouse, string logs, string files)
    {
        var sources = PipelineConfig.Sources(sandbox, files);
        // GA4 through OAuth here, so its client secret and refresh token are sentinels too.
        var property = sources["Ga4"]!["Properties"]![0]!.AsObject();
        property.Remove("ServiceAccountKeyJson");
        property["OAuth"] = new JsonObject
        {
            ["ClientId"] = sandbox.Credentials.GoogleClientId,
            ["ClientSecret"] = Sentinels.GoogleClientSecret,
            ["RefreshToken"] = Sentinels.GoogleRefreshToken,
        };
        var config = PipelineConfig.Pipeline(warehouse, logs, sources, logLevel: "Debug");
        // Configured but unused (the engine is duckdb): a secret in the file must still never be printed.
        config["Warehouse"]!["SqlServer"] = new JsonObject { ["ConnectionString"] = $"Server=db.example;Database=pipeline;User Id=etl;Password={SqlServerPassword}" };
        return config;
    }

    /// <summary>Each sentinel as configured, and the forms it travels in (the Mailchimp key inside a Basic header).</summary>
    private static IEnumerable<(string Name, string Value)> SecretForms(SandboxServer sandbox)
    {
        yield return ("the sentinel infix", Infix);
        yield return ("Meta access token", Sentinels.MetaAccessToken!);
        yield return ("Mailchimp API key", Sentinels.MailchimpApiKey!);
        yield return ("Mailchimp Basic header", Convert.ToBase64String(Encoding.UTF8.GetBytes("pipeline:" + Sentinels.MailchimpApiKey)));
        yield return ("HubSpot token", Sentinels.HubSpotAccessToken!);
        yield return ("Google client secret", Sentinels.GoogleClientSecret!);
        yield return ("Google refresh token", Sentinels.GoogleRefreshToken!);
        yield return ("SQL Server password", SqlServerPassword);
        Assert.That(sandbox.Credentials.MetaAccessToken, Is.EqualTo(Sentinels.MetaAccessToken), "the sandbox accepts the sentinels");
    }

    private static async Task<long> FailedWindowsAsync(string warehouse)
    {
        await using var connection = new DuckDBConnection($"Data Source={warehouse}");
        await connection.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM etl.sync_runs WHERE status = 'Failed' AND error IS NOT NULL");
    }

    /// <summary>Every value of every text-holding column of every table (views derive from these), one per line.</summary>
    private static async Task<string> AllTextAsync(string warehouse)
    {
        await using var connection = new DuckDBConnection($"Data Source={warehouse}");
        await connection.OpenAsync();
        var tables = await connection.QueryAsync<(string Schema, string Table)>(
            "SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_catalog = current_database()");
        var text = new StringBuilder();
        foreach (var (schema, table) in tables)
        {
            await using var reader = await connection.ExecuteReaderAsync($"SELECT CAST(COLUMNS(*) AS VARCHAR) FROM \"{schema}\".\"{table}\"");
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    text.Append(reader.IsDBNull(i) ? "" : reader.GetString(i)).Append('\n');
                }
            }
        }

        return text.ToString();
    }
}
