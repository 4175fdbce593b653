using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dapper;
using DuckDB.NET.Data;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Reliability.Tests.Infrastructure;

namespace Pipeline.Reliability.Tests;

/// <summary>
/// No raw e-mail address in any warehouse table or view: every text column (also inside JSON, lists and structs)
/// is scanned with an e-mail pattern, after a full sync of a world whose contacts, members, unsubscribes and NPS
/// responses all carry addresses, and after damaged records of those streams went to <c>etl.rejected_records</c>.
/// </summary>
/// <remarks>Pipeline.Connectors.Files.Tests covers NPS addresses line by line; this case covers every source at once.</remarks>
public sealed partial class PiiTests
{
    [Test]
    public async Task No_table_or_view_of_a_synced_warehouse_holds_a_raw_email_address()
    {
        var reference = await ReferenceWorld.GetAsync();

        var tables = await EmailsInTablesAsync(reference.WarehousePath);
        var views = (await reference.ChecksumsAsync(marts: true)).Values.Where(c => c.EmailRows > 0).Select(c => $"{c.Name}: {c.EmailRows} rows").ToList();

        var hashed = await HashedAddressesAsync(reference.WarehousePath);
        Figures.Record("pii", $"{tables.Scanned} table columns and {(await reference.ChecksumsAsync(marts: true)).Count} tables/views scanned, {hashed} hashed addresses present, {tables.Hits.Count + views.Count} raw addresses");
        Assert.That(hashed, Is.GreaterThan(300), "the world's addresses arrived (as hashes), so the scan is not vacuous");
        Assert.That(tables.Hits, Is.Empty);
        Assert.That(views, Is.Empty);
    }

    [Test]
    public async Task Rejected_records_and_their_reasons_hold_no_raw_email_address()
    {
        var reference = await ReferenceWorld.GetAsync();
        using var folder = new TempFolder("pii-rejects");
        var warehouse = folder.File("warehouse.duckdb");
        var sources = PipelineConfig.Sources(reference.Sandbox, CorruptNps(folder.File("files")));
        sources.Remove("Ga4");
        sources.Remove("Meta");
        var options = PipelineConfig.Bind(PipelineConfig.Pipeline(warehouse, folder.File("logs"), sources));
        var edits = new List<ResponseEdit>
        {
            // An address where a time belongs: the reason must not quote it either.
            new("crm/v3/objects/contacts", null, 1, b => JsonEdits.Set(b, "results", 0, "properties.createdate", JsonValue.Create("karl.klammer@example.org"))),
            new("crm/v3/objects/contacts", null, 1, b => JsonEdits.Set(b, "results", 1, "properties.lastmodifieddate", JsonValue.Create("n/a"))),
            new("/members", null, 1, b => JsonEdits.Set(b, "members", 0, "timestamp_opt", JsonValue.Create("Jane.Doe@Example.com"))),
            new("/members", null, 1, b => JsonEdits.Set(b, "members", 1, "last_changed", JsonValue.Create("n/a"))),
        };

        var outcome = await InProcessPipeline.SyncAsync(
            options, "pii", TimeProvider.System, s => s.ConfigureHttpClientDefaults(c => c.AddHttpMessageHandler(() => new ResponseRewriter(edits))), semanticLayer: false);

        Assert.That(outcome.Failures, Is.Empty);
        Assert.That(edits.Select(e => e.Applied), Has.All.GreaterThan(0), "every damaged page was served");
        await using var connection = new DuckDBConnection($"Data Source={warehouse}");
        await connection.OpenAsync();
        var rejects = await connection.QueryAsync<(string Stream, string Reason, string Payload)>("SELECT stream, reason, payload FROM etl.rejected_records");
        Assert.That(rejects.Select(r => r.Stream), Is.SupersetOf(new[] { "contacts", "list_members", "nps_responses" }), "each damaged record was rejected");
        var tables = await EmailsInTablesAsync(warehouse);
        Assert.That(tables.Hits, Is.Empty);
    }

    /// <summary>The example NPS file plus lines that fail (a bad score, an address as the date) and carry addresses.</summary>
    private static string CorruptNps(string folder)
    {
        PipelineConfig.WriteExampleFiles(folder);
        File.AppendAllText(Path.Combine(folder, "nps_responses.csv"), "2025-03-09,eleven,rita.roth@example.com,email\nmax.moll@example.com,7,,web\n");
        return folder;
    }

    /// <summary>Every column of every base table, each value cast to text, matched against the e-mail pattern.</summary>
    private static async Task<(int Scanned, List<string> Hits)> EmailsInTablesAsync(string warehouse)
    {
        await using var connection = new DuckDBConnection($"Data Source={warehouse}");
        await connection.OpenAsync();
        var columns = (await connection.QueryAsync<(string Schema, string Table, string Column)>(
            """
            SELECT c.table_schema, c.table_name, c.column_name
            FROM information_schema.columns c JOIN information_schema.tables t USING (table_catalog, table_schema, table_name)
            WHERE t.table_type = 'BASE TABLE' AND c.table_catalog = current_database()
            """)).ToList();
        var hits = new List<string>();
        foreach (var (schema, table, column) in columns)
        {
            var sample = await connection.ExecuteScalarAsync<string?>(
                $"SELECT CAST(\"{column}\" AS VARCHAR) FROM \"{schema}\".\"{table}\" WHERE regexp_matches(CAST(\"{column}\" AS VARCHAR), $p) LIMIT 1",
                new { p = WarehouseChecksum.EmailPattern });
            if (sample is not null)
            {
                hits.Add($"{schema}.{table}.{column}: {Address().Match(sample).Value} in '{Shorten(sample)}'");
            }
        }

        return (columns.Count, hits);
    }

    private static async Task<long> HashedAddressesAsync(string warehouse)
    {
        await using var connection = new DuckDBConnection($"Data Source={warehouse}");
        await connection.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(
            """
            SELECT (SELECT count(email_sha256) FROM staging.hubspot_contacts)
                 + (SELECT count(email_sha256) FROM staging.mailchimp_list_members)
                 + (SELECT count(email_sha256) FROM staging.files_nps_responses)
            """);
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";

    [GeneratedRegex(WarehouseChecksum.EmailPattern)]
    private static partial Regex Address();
}
