using Microsoft.SqlServer.TransactSql.ScriptDom;
using Pipeline.Warehouse.SqlServer;

namespace Pipeline.SqlServer.Scripts.Tests;

/// <summary>mart.source_health is generated from the stream catalog; its SQL Server twin must parse as T-SQL 160 for every built-in stream.</summary>
public sealed class SourceHealthScriptTests
{
    [Test]
    public void The_generated_source_health_view_parses_as_TSql160_and_watches_every_stream()
    {
        var streams = Pipeline.Etl.Sources.BuiltInStreams;
        var script = new SourceHealthScriptProvider(streams).GetScripts(null!).Single();

        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(script.Contents);
        var fragment = parser.Parse(reader, out var errors);

        Assert.That(errors.Select(e => $"line {e.Line}, column {e.Column}: {e.Message}"), Is.Empty);
        var views = ((TSqlScript)fragment).Batches.SelectMany(b => b.Statements).OfType<CreateOrAlterViewStatement>().ToList();
        Assert.That(views.Select(v => v.SchemaObjectName.BaseIdentifier.Value), Is.EqualTo(new[] { "source_health" }));
        Assert.That(streams.Where(s => !script.Contents.Contains("FROM staging.[" + s.TableName + "]", StringComparison.Ordinal)).Select(s => s.TableName), Is.Empty,
            "every staging table is read by the view");
        Assert.That(script.Contents, Does.Contain("etl.set_description"), "described from warehouse/Semantic/mart/source_health.json");
    }
}
