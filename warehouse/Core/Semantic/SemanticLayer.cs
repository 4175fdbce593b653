using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Pipeline.Warehouse.Marts;

namespace Pipeline.Warehouse.Semantic;

/// <summary>
/// The semantic layer as an engine deploys it, dbt-style: one view per file, either shared by every engine
/// (warehouse/Semantic/dw/fact_ad_performance_daily.sql, written <c>CREATE VIEW</c>) or, where the SQL needs the
/// engine's dialect, one per engine (warehouse/&lt;Engine&gt;/Scripts/Semantic/dw/fact_deal.sql); run in an order computed from what each view reads (a view runs after every dw/mart view it names), each
/// followed by the descriptions of its single docs file rendered in the engine's dialect.
/// </summary>
public static partial class SemanticLayer
{
    /// <summary>First sequence number of the file scripts, after the generated 0100/0110 scripts.</summary>
    public const int FirstSequence = 200;

    /// <summary>The shared views and the embedded Scripts/Semantic/&lt;schema&gt;/&lt;name&gt;.sql files of an engine assembly, ordered.</summary>
    public static IReadOnlyList<SemanticScript> Load(Assembly assembly, string resourcePrefix)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var own = Read(assembly, n => n.StartsWith(resourcePrefix, StringComparison.Ordinal) ? n[resourcePrefix.Length..^".sql".Length] : null);
        var shared = Shared();
        var both = own.Select(s => s.Key).Intersect(shared.Select(s => s.Key), StringComparer.OrdinalIgnoreCase).ToList();
        if (both.Count > 0)
        {
            throw new InvalidOperationException($"{string.Join(", ", both)}: defined in warehouse/Semantic and in the engine's Scripts/Semantic; keep one");
        }

        return Ordered(own.Concat(shared));
    }

    /// <summary>The views written once for every engine (warehouse/Semantic/&lt;schema&gt;/&lt;name&gt;.sql).</summary>
    public static IReadOnlyList<SemanticScript> Shared() =>
        Read(typeof(SemanticLayer).Assembly, n => n.Replace('\\', '/') is var name && name.StartsWith("Semantic/", StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal)
            ? name["Semantic/".Length..^".sql".Length].Replace('/', '.')
            : null);

    /// <summary>Reads the resources <paramref name="keyOf"/> maps to a schema.name key.</summary>
    private static List<SemanticScript> Read(Assembly assembly, Func<string, string?> keyOf)
    {
        var scripts = new List<SemanticScript>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (keyOf(resource) is not { } key)
            {
                continue;
            }

            var dot = key.IndexOf('.', StringComparison.Ordinal);
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            scripts.Add(new SemanticScript(key[..dot], key[(dot + 1)..], reader.ReadToEnd()));
        }

        return scripts;
    }

    /// <summary>
    /// Dependencies first: a script runs after every other script whose schema.name it mentions. Independent
    /// scripts keep dw before mart, then name order, so the order is stable across engines and runs.
    /// </summary>
    public static IReadOnlyList<SemanticScript> Ordered(IEnumerable<SemanticScript> scripts)
    {
        var byKey = scripts.ToDictionary(s => s.Key, StringComparer.OrdinalIgnoreCase);
        var ordered = new List<SemanticScript>(byKey.Count);
        var state = new Dictionary<string, bool>(StringComparer.OrdinalIgnoreCase); // false: visiting, true: done
        foreach (var script in byKey.Values.OrderBy(s => s.Schema == "dw" ? 0 : 1).ThenBy(s => s.Name, StringComparer.Ordinal))
        {
            Visit(script, []);
        }

        return ordered;

        void Visit(SemanticScript script, List<string> path)
        {
            if (state.TryGetValue(script.Key, out var done))
            {
                if (!done)
                {
                    throw new InvalidOperationException($"semantic views read each other in a cycle: {string.Join(" -> ", path)} -> {script.Key}");
                }

                return;
            }

            state[script.Key] = false;
            path.Add(script.Key);
            foreach (var dependency in References(script.Sql).Where(k => !k.Equals(script.Key, StringComparison.OrdinalIgnoreCase))
                         .Select(k => byKey.GetValueOrDefault(k)).OfType<SemanticScript>()
                         .OrderBy(s => s.Schema == "dw" ? 0 : 1).ThenBy(s => s.Name, StringComparer.Ordinal))
            {
                Visit(dependency, path);
            }

            path.RemoveAt(path.Count - 1);
            state[script.Key] = true;
            ordered.Add(script);
        }
    }

    /// <summary>
    /// Whether a script itself reads the clock (now(), current_date, SQL Server's SYSUTCDATETIME() …) or the run log
    /// (the etl schema; not SQL Server's etl.set_description, which writes the descriptions) outside comments: its rows
    /// can change with time or a run's coverage alone.
    /// </summary>
    internal static bool ReadsClockOrRunLog(string sql) => ClockOrRunLog().IsMatch(LineComment().Replace(sql, ""));

    /// <summary>The dw./mart. names a script mentions outside comments.</summary>
    internal static IEnumerable<string> References(string sql) =>
        QualifiedName().Matches(LineComment().Replace(sql, "")).Select(m => m.Value).Distinct(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The script as deployed: the definition (placeholders expanded, see <see cref="SemanticTemplates"/>), then the
    /// descriptions of its docs file. A materialized mart (<see cref="MartLayer.IsMaterialized"/>) is deployed as its
    /// definition view <c>mart_def.x</c>, then what <paramref name="table"/> says to do with table <c>mart.x</c>, which
    /// gets the descriptions.
    /// </summary>
    public static string Render(SemanticScript script, SemanticDialect dialect, MartTableAction table = MartTableAction.Keep)
    {
        ArgumentNullException.ThrowIfNull(script);
        ArgumentNullException.ThrowIfNull(dialect);
        var docs = SemanticDocs.For(script.Schema, script.Name);
        var materialized = MartLayer.IsMaterialized(script);
        var sql = new StringBuilder(RenderDefinition(script, dialect).TrimEnd()).AppendLine();
        if (materialized)
        {
            sql.Append(dialect.EndOfDefinition);
            sql.AppendLine(dialect.MartTable(script.Name, table, docs.Refresh!.WriteOrder));
        }

        if (docs.Description is null && docs.Columns.Count == 0)
        {
            return sql.ToString();
        }

        sql.Append(materialized ? "" : dialect.EndOfDefinition);
        if (docs.Description is not null)
        {
            sql.AppendLine(materialized ? dialect.DescribeTable(script.Schema, script.Name, docs.Description) : dialect.DescribeObject(script.Schema, script.Name, docs.Description));
        }

        foreach (var column in docs.Columns)
        {
            sql.AppendLine(dialect.DescribeColumn(script.Schema, script.Name, column.Column, column.Description));
        }

        return sql.ToString();
    }

    /// <summary>The definition alone, placeholders expanded; a materialized mart's view is created in <see cref="MartLayer.DefinitionSchema"/>.</summary>
    public static string RenderDefinition(SemanticScript script, SemanticDialect dialect)
    {
        ArgumentNullException.ThrowIfNull(script);
        ArgumentNullException.ThrowIfNull(dialect);
        var definition = MartLayer.IsMaterialized(script)
            ? MartViewName().Replace(script.Sql, "${create}" + MartLayer.DefinitionSchema + ".", 1)
            : script.Sql;
        definition = SharedCreateView().Replace(definition, dialect.CreateView + " ", 1);

        return SemanticTemplates.Expand(definition, dialect, $"Scripts/Semantic/{script.Schema}/{script.Name}.sql");
    }

    /// <summary>DbUp name of the <paramref name="index"/>-th ordered script: the sequence keeps DbUp's name order equal to the dependency order.</summary>
    public static string ScriptName(int index, SemanticScript script) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"semantic/{FirstSequence + index:D4}_{script.Schema}.{script.Name}");

    [GeneratedRegex(@"\b(?:dw|mart)\.\w+\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex QualifiedName();

    [GeneratedRegex(@"\b(?:now\s*\(|get_current_timestamp\s*\(|today\s*\(|current_date\b|current_timestamp\b|sysutcdatetime\s*\(|sysdatetime\s*\(|sysdatetimeoffset\s*\(|getdate\s*\(|getutcdate\s*\(|etl\.(?!set_description\b)\w+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ClockOrRunLog();

    [GeneratedRegex(@"^CREATE VIEW ", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex SharedCreateView();

    [GeneratedRegex(@"(?<create>CREATE\s+(?:OR\s+(?:REPLACE|ALTER)\s+)?VIEW\s+)mart\.", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MartViewName();

    [GeneratedRegex(@"--[^\n]*", RegexOptions.CultureInvariant)]
    private static partial Regex LineComment();
}
