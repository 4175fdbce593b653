using Pipeline.Warehouse;
using Pipeline.Warehouse.Semantic;

namespace Pipeline.SqlServer.Scripts.Tests;

/// <summary>
/// The T-SQL semantic layer (warehouse/SqlServer/Scripts/Semantic) stays in step with the DuckDB one, which is the
/// reference: the same views with the same output columns in the same order (so BI reports work on both engines),
/// the table macro mart.kpi_over_range as an inline table-valued function, and a description call for every view and
/// column description the DuckDB scripts set.
/// </summary>
public sealed class SemanticParityTests
{
    /// <summary>
    /// Views each engine generates in C# from configuration and the KPI catalog (DuckDB: SemanticLayerScriptProvider,
    /// KpiCatalogScriptProvider; SQL Server: its own providers), so no script file defines them.
    /// </summary>
    private static readonly string[] GeneratedViews = ["dw.settings", "dw.kpi_formula_terms", "dw.measure_sources", "dw.stream_catalog", "mart.kpi_catalog"];

    private DuckDbSemanticLayer duckDb = null!;
    private TSqlScripts tsql = null!;

    [OneTimeSetUp]
    public async Task LoadAsync()
    {
        duckDb = await DuckDbSemanticLayer.GetAsync();
        tsql = TSqlScripts.Engine;
        Assert.That(tsql.Problems, Is.Empty, "T-SQL scripts must parse before they can be compared (see ScriptParseTests)");
    }

    [Test]
    public void Every_DuckDB_semantic_script_has_a_TSql_twin_of_the_same_name()
    {
        var duck = ScriptFiles(Repository.DuckDbSemanticScripts);
        var sqlServer = Directory.Exists(Repository.SqlServerSemanticScripts) ? ScriptFiles(Repository.SqlServerSemanticScripts) : [];

        Assert.That(duck, Is.Not.Empty);
        Assert.That(sqlServer, Is.EqualTo(duck), () =>
            "warehouse/SqlServer/Scripts/Semantic must hold one file per DuckDB semantic script, same name.\n  missing: "
            + string.Join(", ", duck.Except(sqlServer)) + "\n  extra: " + string.Join(", ", sqlServer.Except(duck)));
    }

    [Test]
    public void Every_semantic_view_has_one_docs_file_and_every_docs_file_a_view()
    {
        var views = ScriptFiles(Repository.DuckDbSemanticScripts).Concat(ScriptFiles(Repository.SharedSemantic))
            .Select(f => f[..^".sql".Length].Replace('/', '.'))
            .Append(Pipeline.Warehouse.Health.SourceHealthView.Schema + "." + Pipeline.Warehouse.Health.SourceHealthView.Name) // generated from the stream catalog, described by its docs file
            .Order(StringComparer.Ordinal).ToList();

        Assert.That(SemanticDocs.Keys, Is.EqualTo(views),
            "warehouse/Semantic/<schema>/<view>.json must exist for each view, shared (warehouse/Semantic/<schema>/<view>.sql) or per engine (Scripts/Semantic/<schema>/<view>.sql)");
    }

    [Test]
    public void A_shared_view_has_no_engine_copy()
    {
        var shared = ScriptFiles(Repository.SharedSemantic);

        Assert.That(shared, Is.Not.Empty);
        Assert.That(shared.Intersect(ScriptFiles(Repository.DuckDbSemanticScripts).Concat(ScriptFiles(Repository.SqlServerSemanticScripts))), Is.Empty,
            "a view written once in warehouse/Semantic must not be written again per engine");
    }

    [Test]
    public void Every_documented_column_is_a_column_of_its_view()
    {
        var unknown = SemanticDocs.Keys
            .Select(k => (Schema: k[..k.IndexOf('.', StringComparison.Ordinal)], Name: k[(k.IndexOf('.', StringComparison.Ordinal) + 1)..]))
            .SelectMany(v => SemanticDocs.For(v.Schema, v.Name).Columns
                .Where(c => !duckDb.ColumnsOf(v.Schema, v.Name).Contains(c.Column) && !duckDb.Macros.Any(m => m.Key == v.Schema + "." + v.Name && m.Columns.Contains(c.Column)))
                .Select(c => $"warehouse/Semantic/{v.Schema}/{v.Name}.json: {c.Column}"))
            .ToList();

        Assert.That(unknown, Is.Empty, () => "described columns the view does not have (typo?):\n  " + string.Join("\n  ", unknown));
    }

    [Test]
    public void The_generated_views_exist_in_DuckDB()
    {
        Assert.That(GeneratedViews.Except(duckDb.Views.Select(v => v.Key)), Is.Empty,
            "a view listed as generated no longer exists in DuckDB: update GeneratedViews");
    }

    [Test]
    public void Every_DuckDB_view_is_a_TSql_view_with_the_same_columns_in_the_same_order()
    {
        var expected = duckDb.Views.Where(v => !GeneratedViews.Contains(v.Key)).ToList();
        Assert.That(expected, Has.Count.GreaterThan(20), "the DuckDB semantic layer was not migrated");
        var defined = ByKey(tsql.Views.Where(v => v.Schema is "dw" or "mart"));
        var problems = new List<string>();
        foreach (var view in expected)
        {
            if (!defined.TryGetValue(view.Key, out var definitions))
            {
                problems.Add($"{view.Key}: no CREATE OR ALTER VIEW {view.Key} in warehouse/SqlServer/Scripts");
                continue;
            }

            foreach (var definition in definitions)
            {
                problems.AddRange(CompareColumns(view.Key, definition, duckDb.ColumnsOf(view.Schema, view.Name)));
            }
        }

        var duckKeys = duckDb.Views.Select(v => v.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        problems.AddRange(defined.Keys.Where(k => !duckKeys.Contains(k))
            .Select(k => $"{k}: T-SQL defines a view DuckDB does not have ({string.Join(", ", defined[k].Select(d => d.File))})"));

        Assert.That(problems, Is.Empty, () => $"{problems.Count} view(s) out of step with DuckDB:\n  " + string.Join("\n  ", problems));
    }

    [Test]
    public void Every_DuckDB_table_macro_is_an_inline_TSql_function_with_the_same_parameters_and_columns()
    {
        Assert.That(duckDb.Macros.Select(m => m.Key), Does.Contain("mart.kpi_over_range"));
        var defined = ByKey(tsql.Functions);
        var problems = new List<string>();
        foreach (var macro in duckDb.Macros)
        {
            if (!defined.TryGetValue(macro.Key, out var definitions))
            {
                problems.Add($"{macro.Key}: no CREATE OR ALTER FUNCTION {macro.Key}(...) RETURNS TABLE in warehouse/SqlServer/Scripts");
                continue;
            }

            foreach (var definition in definitions)
            {
                if (!definition.Parameters.SequenceEqual(macro.Parameters, StringComparer.OrdinalIgnoreCase))
                {
                    problems.Add($"{macro.Key} ({definition.File}): parameters @{string.Join(", @", definition.Parameters)}, DuckDB has {string.Join(", ", macro.Parameters)}");
                }

                problems.AddRange(CompareColumns(macro.Key, definition, macro.Columns));
            }
        }

        Assert.That(problems, Is.Empty, () => $"{problems.Count} table function problem(s):\n  " + string.Join("\n  ", problems));
    }

    /// <summary>
    /// Presence, not text: each DuckDB view description and each column description a script set needs an
    /// etl.set_description call for the same schema, object and column. Column descriptions that are the
    /// <see cref="ColumnGlossary"/> text are left out: engines attach the glossary after every deploy to columns their
    /// scripts do not describe, so the scripts need not repeat it.
    /// </summary>
    [Test]
    public void Every_DuckDB_description_has_an_etl_set_description_call()
    {
        var scriptViews = duckDb.Views.Where(v => !GeneratedViews.Contains(v.Key)).ToDictionary(v => v.Key);
        var described = tsql.Descriptions
            .Select(d => DescriptionKey(d.Schema, d.Object, d.Column))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var missing = new List<string>();
        foreach (var view in scriptViews.Values.Where(v => v.Comment is not null))
        {
            if (!described.Contains(DescriptionKey(view.Schema, view.Name, null)))
            {
                missing.Add($"EXEC etl.set_description N'{view.Schema}', N'{view.Name}', NULL, N'...';");
            }
        }

        foreach (var column in duckDb.Columns.Where(c => c.Comment is not null && scriptViews.ContainsKey(c.Schema + "." + c.Table)))
        {
            var fromGlossary = ColumnGlossary.Descriptions.TryGetValue(column.Column, out var glossary) && glossary == column.Comment;
            if (!fromGlossary && !described.Contains(DescriptionKey(column.Schema, column.Table, column.Column)))
            {
                missing.Add($"EXEC etl.set_description N'{column.Schema}', N'{column.Table}', N'{column.Column}', N'...';");
            }
        }

        Assert.That(missing, Is.Empty, () => $"{missing.Count} DuckDB description(s) without a T-SQL etl.set_description call:\n  " + string.Join("\n  ", missing));
    }

    [Test]
    public void Every_dw_and_mart_description_call_names_an_existing_object_and_column()
    {
        var objects = duckDb.Columns.Select(c => c.Schema + "." + c.Table)
            .Concat(duckDb.Macros.Select(m => m.Key))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var columns = duckDb.Columns.Select(c => DescriptionKey(c.Schema, c.Table, c.Column)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var unknown = tsql.Descriptions
            .Where(d => d.Schema is "dw" or "mart")
            .Where(d => d.Column is null ? !objects.Contains(d.Schema + "." + d.Object) : !columns.Contains(DescriptionKey(d.Schema, d.Object, d.Column)))
            .Select(d => $"{d.File}:{d.Line}: {DescriptionKey(d.Schema, d.Object, d.Column)} is not a DuckDB {(d.Column is null ? "object" : "column")}")
            .ToList();

        Assert.That(unknown, Is.Empty, () => $"{unknown.Count} description call(s) for names DuckDB does not have (typo?):\n  " + string.Join("\n  ", unknown));
    }

    /// <summary>The view files of a Scripts/Semantic folder as schema/name.sql.</summary>
    private static List<string> ScriptFiles(string folder) =>
        [.. Directory.GetFiles(folder, "*.sql", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(folder, p).Replace('\\', '/')).Order(StringComparer.Ordinal)];

    private static Dictionary<string, List<TSqlRelation>> ByKey(IEnumerable<TSqlRelation> relations) =>
        relations.GroupBy(r => r.Key, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.OrdinalIgnoreCase);

    private static IEnumerable<string> CompareColumns(string key, TSqlRelation definition, IReadOnlyList<string> expected)
    {
        var actual = definition.Columns;
        if (actual.Any(c => c == "*"))
        {
            yield return $"{key} ({definition.File}): SELECT * in the outer select list; name every column";
        }

        var unnamed = actual.Select((c, i) => (c, i)).Where(x => x.c is null).Select(x => x.i + 1).ToList();
        if (unnamed.Count > 0)
        {
            yield return $"{key} ({definition.File}): column(s) {string.Join(", ", unnamed)} of the select list have no name (add AS <name>)";
        }

        if (!actual.SequenceEqual(expected, StringComparer.Ordinal))
        {
            yield return $"{key} ({definition.File}): columns differ"
                + $"\n      DuckDB: {string.Join(", ", expected)}"
                + $"\n      T-SQL:  {string.Join(", ", actual.Select(c => c ?? "?"))}"
                + (expected.Except(actual, StringComparer.Ordinal).ToList() is { Count: > 0 } missing ? $"\n      missing in T-SQL: {string.Join(", ", missing)}" : "")
                + (actual.Except(expected, StringComparer.Ordinal).ToList() is { Count: > 0 } extra ? $"\n      extra in T-SQL: {string.Join(", ", extra)}" : "");
        }
    }

    private static string DescriptionKey(string schema, string name, string? column) =>
        column is null ? $"{schema}.{name}" : $"{schema}.{name}.{column}";
}
