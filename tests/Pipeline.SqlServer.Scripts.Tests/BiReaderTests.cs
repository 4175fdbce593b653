using System.Text.RegularExpressions;
using Dapper;
using DuckDB.NET.Data;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using Pipeline.Warehouse;
using Pipeline.Warehouse.DuckDb;

namespace Pipeline.SqlServer.Scripts.Tests;

/// <summary>
/// Every question of ops/bi/metabase.md reads only what a BI tool may read: on SQL Server the objects granted to
/// <c>pipeline_bi_reader</c> (the T-SQL scripts parsed), on DuckDB the published copy (the questions run there).
/// </summary>
public sealed partial class BiReaderTests
{
    private static string Guide => Path.Combine(Repository.Root, "ops", "bi", "metabase.md");

    [Test]
    public void Every_object_the_Metabase_questions_read_is_granted_to_the_BI_role_on_SQL_Server()
    {
        var (schemas, objects) = BiReaderGrants();
        Assert.That(schemas, Does.Contain("dw").And.Contain("mart"));

        var read = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, sql) in Questions())
        {
            var fragment = Parse(sql.Replace("{{", "'", StringComparison.Ordinal).Replace("}}", "'", StringComparison.Ordinal), out var errors);
            Assert.That(errors.Select(e => $"line {e.Line}: {e.Message}"), Is.Empty, $"{name} parses as T-SQL");
            var visitor = new ObjectsRead();
            fragment.Accept(visitor);
            read.UnionWith(visitor.Names);
        }

        Assert.That(read, Does.Contain("etl.v_stream_status"), "the guide's freshness question");
        var refused = read.Where(n => !schemas.Contains(n.Split('.')[0]) && !objects.Contains(n)).ToList();
        Assert.That(refused, Is.Empty, "objects the guide reads that pipeline_bi_reader cannot");
    }

    [Test]
    public async Task Every_Metabase_question_runs_on_the_published_DuckDB_copy()
    {
        var folder = Path.Combine(Path.GetTempPath(), "pipeline-sqlserver-scripts-tests", Guid.NewGuid().ToString("N"));
        var copy = Path.Combine(folder, "marts.duckdb");
        try
        {
            await using (var warehouse = DuckDbWarehouse.Open(new DuckDbWarehouseOptions { Path = Path.Combine(folder, "warehouse.duckdb"), Reporting = new ReportingSettings() }))
            {
                await warehouse.MigrateAsync(Pipeline.Etl.Sources.BuiltInStreams);
                await new MartPublisher(warehouse).PublishAsync(copy, "run-1");
            }

            await using var reader = new DuckDBConnection($"Data Source={copy};ACCESS_MODE=READ_ONLY");
            await reader.OpenAsync();
            var failures = new List<string>();
            foreach (var (name, sql) in Questions())
            {
                try
                {
                    await reader.QueryAsync(Regex.Replace(sql, @"\{\{\w+\}\}", "DATE '2026-01-01'"));
                }
                catch (DuckDBException ex)
                {
                    failures.Add($"{name}: {ex.Message.Split('\n')[0]}");
                }
            }

            Assert.That(failures, Is.Empty);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The guide's ```sql blocks, named by the bold question label before each (E1, F1, ...).</summary>
    private static List<(string Name, string Sql)> Questions()
    {
        var text = File.ReadAllText(Guide);
        var questions = SqlBlock().Matches(text)
            .Select(m => (Name: Label().Matches(text[..m.Index]).LastOrDefault()?.Groups[1].Value ?? $"block at {m.Index}", Sql: m.Groups[1].Value))
            .ToList();
        Assert.That(questions, Has.Count.GreaterThan(10), "the guide's questions were found");
        return questions;
    }

    /// <summary>
    /// Schemas and objects granted SELECT to pipeline_bi_reader by the SQL Server engine's versioned and view scripts
    /// (Semantic holds dialect placeholders and no grants).
    /// </summary>
    private static (HashSet<string> Schemas, HashSet<string> Objects) BiReaderGrants()
    {
        var schemas = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var objects = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var file in new[] { "Versioned", "Views" }.SelectMany(f => Directory.EnumerateFiles(Path.Combine(Repository.SqlServerScripts, f), "*.sql")))
        {
            var fragment = Parse(File.ReadAllText(file), out var errors);
            Assert.That(errors, Is.Empty, Repository.Relative(file));
            var grants = new Grants();
            fragment.Accept(grants);
            foreach (var grant in grants.Found.Where(g => g.Principals.Any(p => p.Identifier?.Value == "pipeline_bi_reader")
                && g.Permissions.Any(p => p.Identifiers.Any(i => i.Value.Equals("SELECT", StringComparison.OrdinalIgnoreCase)))))
            {
                var target = string.Join('.', grant.SecurityTargetObject.ObjectName.MultiPartIdentifier.Identifiers.Select(i => i.Value));
                (grant.SecurityTargetObject.ObjectKind == SecurityObjectKind.Schema ? schemas : objects).Add(target);
            }
        }

        return (schemas, objects);
    }

    private static TSqlFragment Parse(string sql, out IList<ParseError> errors)
    {
        using var reader = new StringReader(sql);
        return new TSql160Parser(initialQuotedIdentifiers: true).Parse(reader, out errors);
    }

    [GeneratedRegex(@"```sql\r?\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex SqlBlock();

    [GeneratedRegex(@"\*\*([A-Z]\d+)\.")]
    private static partial Regex Label();

    private sealed class Grants : TSqlFragmentVisitor
    {
        public List<GrantStatement> Found { get; } = [];

        public override void Visit(GrantStatement node) => Found.Add(node);
    }

    /// <summary>Schema-qualified tables, views and table-valued functions a query reads (CTE names have no schema).</summary>
    private sealed class ObjectsRead : TSqlFragmentVisitor
    {
        public List<string> Names { get; } = [];

        public override void Visit(NamedTableReference node) => Add(node.SchemaObject);

        public override void Visit(SchemaObjectFunctionTableReference node) => Add(node.SchemaObject);

        private void Add(SchemaObjectName name)
        {
            if (name.SchemaIdentifier is { } schema)
            {
                Names.Add($"{schema.Value}.{name.BaseIdentifier.Value}");
            }
        }
    }
}
