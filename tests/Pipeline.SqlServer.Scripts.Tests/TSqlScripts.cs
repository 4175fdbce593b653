using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using Pipeline.Warehouse;
using Pipeline.Warehouse.SqlServer;

namespace Pipeline.SqlServer.Scripts.Tests;

/// <summary>One batch of a script file: the text between GO lines, as DbUp sends it to SQL Server.</summary>
internal sealed record TSqlBatch(string File, int StartLine, string Text);

/// <summary>A parse error placed in its file: line numbers count from the top of the file, not of the batch.</summary>
internal sealed record TSqlProblem(string File, int Line, int Column, string Message)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{File}:{Line}:{Column}: {Message}");
}

/// <summary>A view or inline table-valued function and the output columns of its outer select list.</summary>
/// <param name="Columns">Column names in order; "*" for a star, null for an expression without an alias.</param>
internal sealed record TSqlRelation(string Schema, string Name, string File, IReadOnlyList<string?> Columns, IReadOnlyList<string> Parameters)
{
    public string Key => Schema + "." + Name;
}

/// <summary>An <c>EXEC etl.set_description schema, object, column, text</c> call (column null for the object itself).</summary>
internal sealed record TSqlDescription(string Schema, string Object, string? Column, string File, int Line);

/// <summary>
/// The T-SQL scripts of the SQL Server engine read the way the deploy reads them: each file split on GO lines and
/// every batch parsed with the SQL Server 2022 (160) parser.
/// </summary>
internal sealed class TSqlScripts
{
    private static readonly Regex GoLine = new(@"^[ \t]*GO[ \t]*(?:--[^\n]*)?\r?$", RegexOptions.IgnoreCase | RegexOptions.Multiline | RegexOptions.CultureInvariant);

    private TSqlScripts(IReadOnlyList<string> files, IReadOnlyList<TSqlProblem> problems, IReadOnlyList<TSqlRelation> views,
        IReadOnlyList<TSqlRelation> functions, IReadOnlyList<TSqlDescription> descriptions)
    {
        Files = files;
        Problems = problems;
        Views = views;
        Functions = functions;
        Descriptions = descriptions;
    }

    /// <summary>Repository-relative paths of every *.sql file read, and the names of the rendered semantic scripts.</summary>
    public IReadOnlyList<string> Files { get; }

    public IReadOnlyList<TSqlProblem> Problems { get; }

    public IReadOnlyList<TSqlRelation> Views { get; }

    public IReadOnlyList<TSqlRelation> Functions { get; }

    public IReadOnlyList<TSqlDescription> Descriptions { get; }

    private static readonly Lazy<TSqlScripts> All = new(() => Load(Repository.SqlServerScripts, RenderedSemanticScripts()));

    /// <summary>
    /// Every *.sql file under warehouse/SqlServer/Scripts, recursively, except Scripts/Semantic, which is read as the
    /// engine deploys it: each view file with its descriptions rendered from warehouse/Semantic (read once per test run).
    /// </summary>
    public static TSqlScripts Engine => All.Value;

    /// <summary>The view scripts of the semantic layer as SQL Server runs them (the generated settings and terms left out).</summary>
    private static IEnumerable<(string File, string Text)> RenderedSemanticScripts() =>
        new SemanticLayerScriptProvider(new ReportingSettings()).GetScripts(null!)
            .Where(s => s.Name.Contains('.', StringComparison.Ordinal))
            .Select(s => (s.Name + " (rendered)", s.Contents))
            // mart.source_health is generated from the stream catalog: rendered for the built-in streams, as DuckDB is migrated here.
            .Concat(new SourceHealthScriptProvider(Pipeline.Etl.Sources.BuiltInStreams).GetScripts(null!).Select(s => (s.Name + " (generated)", s.Contents)));

    public static TSqlScripts Load(string folder, IEnumerable<(string File, string Text)>? semantic = null)
    {
        var files = Directory.Exists(folder)
            ? Directory.GetFiles(folder, "*.sql", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList()
            : [];
        var semanticFolder = Path.Combine(folder, "Semantic") + Path.DirectorySeparatorChar;
        var scripts = semantic is null
            ? files.Select(p => (File: Repository.Relative(p), Text: File.ReadAllText(p))).ToList()
            : [.. files.Where(p => !p.StartsWith(semanticFolder, StringComparison.Ordinal)).Select(p => (Repository.Relative(p), File.ReadAllText(p))), .. semantic];
        var problems = new List<TSqlProblem>();
        var views = new List<TSqlRelation>();
        var functions = new List<TSqlRelation>();
        var descriptions = new List<TSqlDescription>();
        foreach (var (file, text) in scripts)
        {
            foreach (var batch in SplitBatches(file, text))
            {
                var parser = new TSql160Parser(initialQuotedIdentifiers: true);
                using var reader = new StringReader(batch.Text);
                var fragment = parser.Parse(reader, out var errors);
                problems.AddRange(errors.Select(e => new TSqlProblem(file, batch.StartLine + e.Line - 1, e.Column, e.Message)));
                if (errors.Count > 0 || fragment is not TSqlScript script)
                {
                    continue;
                }

                foreach (var statement in script.Batches.SelectMany(b => b.Statements))
                {
                    Collect(statement, batch, views, functions, descriptions);
                }
            }
        }

        return new TSqlScripts([.. scripts.Select(s => s.File)], problems, views, functions, descriptions);
    }

    /// <summary>Splits a script on lines holding only GO (DbUp's batch separator); each batch knows its first line.</summary>
    public static IEnumerable<TSqlBatch> SplitBatches(string file, string text)
    {
        var start = 0;
        foreach (Match go in GoLine.Matches(text))
        {
            yield return Batch(file, text, start, go.Index);
            // The next batch starts on the line after GO.
            start = go.Index + go.Length;
            start += start < text.Length && text[start] == '\n' ? 1 : 0;
        }

        yield return Batch(file, text, start, text.Length);
    }

    private static TSqlBatch Batch(string file, string text, int start, int end) =>
        new(file, 1 + text.AsSpan(0, start).Count('\n'), text[start..end]);

    private static void Collect(TSqlStatement statement, TSqlBatch batch, List<TSqlRelation> views, List<TSqlRelation> functions, List<TSqlDescription> descriptions)
    {
        switch (statement)
        {
            case ViewStatementBody view:
                var columns = view.Columns.Count > 0
                    ? view.Columns.Select(c => (string?)c.Value).ToList()
                    : SelectList(view.SelectStatement.QueryExpression);
                views.Add(new TSqlRelation(SchemaOf(view.SchemaObjectName), view.SchemaObjectName.BaseIdentifier.Value, batch.File, columns, []));
                break;
            case FunctionStatementBody { ReturnType: SelectFunctionReturnType inline } function:
                functions.Add(new TSqlRelation(
                    SchemaOf(function.Name), function.Name.BaseIdentifier.Value, batch.File, SelectList(inline.SelectStatement.QueryExpression),
                    [.. function.Parameters.Select(p => p.VariableName.Value.TrimStart('@'))]));
                break;
            case ExecuteStatement { ExecuteSpecification.ExecutableEntity: ExecutableProcedureReference procedure } execute
                when IsSetDescription(procedure):
                descriptions.Add(Description(procedure, batch.File, batch.StartLine + execute.StartLine - 1));
                break;
        }
    }

    private static string SchemaOf(SchemaObjectName name) => name.SchemaIdentifier?.Value ?? "dbo";

    /// <summary>The outer select list: for UNION, EXCEPT and INTERSECT the first query's, as SQL Server names the columns.</summary>
    private static List<string?> SelectList(QueryExpression query)
    {
        while (true)
        {
            switch (query)
            {
                case BinaryQueryExpression binary:
                    query = binary.FirstQueryExpression;
                    break;
                case QueryParenthesisExpression parenthesis:
                    query = parenthesis.QueryExpression;
                    break;
                case QuerySpecification specification:
                    return [.. specification.SelectElements.Select(ColumnName)];
                default:
                    return [];
            }
        }
    }

    private static string? ColumnName(SelectElement element) => element switch
    {
        SelectScalarExpression { ColumnName: { } alias } => alias.Value,
        SelectScalarExpression { Expression: ColumnReferenceExpression { MultiPartIdentifier.Identifiers: { Count: > 0 } parts } } => parts[^1].Value,
        SelectStarExpression => "*",
        _ => null,
    };

    private static bool IsSetDescription(ExecutableProcedureReference procedure) =>
        procedure.ProcedureReference?.ProcedureReference?.Name is { } name
        && string.Equals(name.SchemaIdentifier?.Value, "etl", StringComparison.OrdinalIgnoreCase)
        && string.Equals(name.BaseIdentifier.Value, "set_description", StringComparison.OrdinalIgnoreCase);

    private static readonly string[] ParameterOrder = ["schema", "object", "column", "text"];

    /// <summary>Reads the arguments by name (@schema = ...) or by position, as SQL Server binds them.</summary>
    private static TSqlDescription Description(ExecutableProcedureReference procedure, string file, int line)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < procedure.Parameters.Count; i++)
        {
            var parameter = procedure.Parameters[i];
            var name = parameter.Variable?.Name.TrimStart('@') ?? (i < ParameterOrder.Length ? ParameterOrder[i] : "extra" + i.ToString(CultureInfo.InvariantCulture));
            values[name] = parameter.ParameterValue is StringLiteral literal ? literal.Value : null;
        }

        return new TSqlDescription(
            values.GetValueOrDefault("schema") ?? "?", values.GetValueOrDefault("object") ?? "?", values.GetValueOrDefault("column"), file, line);
    }
}
