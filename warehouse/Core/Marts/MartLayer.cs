using System.Security.Cryptography;
using System.Text;
using Pipeline.Warehouse.Semantic;

namespace Pipeline.Warehouse.Marts;

/// <summary>
/// Which semantic scripts become mart tables and what a deploy does with each: a mart view whose docs file declares
/// a <c>refresh</c> is deployed as its definition (view <c>mart_def.x</c>) plus table <c>mart.x</c>. The definitions
/// read the upstream mart tables, so a refresh in dependency order computes each mart from tables already refreshed.
/// </summary>
public static class MartLayer
{
    public const string TableSchema = "mart";

    public const string DefinitionSchema = "mart_def";

    /// <summary>
    /// dw.dim_date reads the clock only to span the current year while the warehouse holds no data: no row of data
    /// depends on it, so reading dw.dim_date alone does not make a mart's rows change with time.
    /// </summary>
    private const string ClockNeutral = "dw.dim_date";

    /// <summary>
    /// mart.kpi_catalog is data: each KPI's row names the view it is published in (mart.kpi_values, mart.kpi_trends),
    /// which the catalog does not read. Followed as a reference, it made a loop through those marts, and a mart's hash
    /// then left out what it reads (mart.kpi_trends did not change with mart.kpi_values, so a deploy kept it stale).
    /// </summary>
    private const string DataOnly = "mart.kpi_catalog";

    /// <summary>A mart view with a refresh policy; table macros/functions (mart.kpi_over_range) stay functions.</summary>
    public static bool IsMaterialized(SemanticScript script)
    {
        ArgumentNullException.ThrowIfNull(script);
        return script.Schema == TableSchema && SemanticDocs.For(script.Schema, script.Name).Refresh is not null;
    }

    /// <summary>
    /// The marts in dependency order with their hashes: SHA-256 of the deployed definition and of the hashes of every
    /// script it reads, transitively (<paramref name="renderedByKey"/>: every script of the layer by schema.name,
    /// generated ones such as dw.settings included).
    /// </summary>
    public static IReadOnlyList<MartDefinition> Definitions(IReadOnlyList<SemanticScript> ordered, IReadOnlyDictionary<string, string> renderedByKey)
    {
        ArgumentNullException.ThrowIfNull(ordered);
        ArgumentNullException.ThrowIfNull(renderedByKey);
        var hashOf = Transitively<string>(renderedByKey, (_, sql, dependencies) =>
        {
            var text = new StringBuilder(sql);
            foreach (var (dependency, hash) in dependencies)
            {
                text.Append('\n').Append(dependency).Append('=').Append(hash);
            }

            return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
        });
        var readsClock = Transitively<bool>(renderedByKey, (key, sql, dependencies) =>
            !key.Equals(ClockNeutral, StringComparison.OrdinalIgnoreCase) && (SemanticLayer.ReadsClockOrRunLog(sql) || dependencies.Any(d => d.Value)));

        var reads = Transitively<HashSet<string>>(renderedByKey, (_, _, dependencies) =>
            dependencies.SelectMany(d => d.Value.Append(d.Key)).ToHashSet(StringComparer.OrdinalIgnoreCase));

        var materialized = ordered.Where(IsMaterialized).Select(s => s.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var contextInputs = ordered.Where(s => IsMaterialized(s) && SemanticDocs.For(s.Schema, s.Name).Refresh!.IsContext)
            .SelectMany(s => reads(s.Key)).Where(materialized.Contains).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return [.. ordered.Where(IsMaterialized).Select(s => new MartDefinition(
            s.Name, SemanticDocs.For(s.Schema, s.Name).Refresh!, hashOf(s.Key),
            ReadsMarts: SemanticLayer.References(renderedByKey[s.Key]).Any(r => !r.Equals(s.Key, StringComparison.OrdinalIgnoreCase) && materialized.Contains(r)),
            ReadsClock: readsClock(s.Key),
            FeedsContext: contextInputs.Contains(s.Key)))];
    }

    /// <summary>
    /// A property of each script computed from its own SQL and the same property of each script it reads (in name
    /// order, each computed once). A script naming itself is not a dependency; any other loop is an error, since a
    /// property computed with part of the loop left out would be kept for the script's every reader.
    /// </summary>
    private static Func<string, T> Transitively<T>(IReadOnlyDictionary<string, string> renderedByKey, Func<string, string, IEnumerable<KeyValuePair<string, T>>, T> compute)
    {
        var known = new Dictionary<string, T>(StringComparer.OrdinalIgnoreCase);
        var visiting = new List<string>();
        T Of(string key)
        {
            if (known.TryGetValue(key, out var value))
            {
                return value;
            }

            if (visiting.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"semantic scripts read each other in a loop: {string.Join(" -> ", visiting)} -> {key}");
            }

            var sql = renderedByKey[key];
            visiting.Add(key);
            var reads = key.Equals(DataOnly, StringComparison.OrdinalIgnoreCase) ? [] : SemanticLayer.References(sql);
            value = compute(key, sql, [.. reads.Where(renderedByKey.ContainsKey).Where(d => !d.Equals(key, StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.OrdinalIgnoreCase).Select(d => KeyValuePair.Create(d, Of(d)))]);
            visiting.RemoveAt(visiting.Count - 1);
            return known[key] = value;
        }

        return Of;
    }

    /// <summary>What the deploy does with each mart's table, from what it found (by mart name).</summary>
    public static MartTableAction Plan(MartDefinition mart, IReadOnlyDictionary<string, ExistingMart> existing)
    {
        ArgumentNullException.ThrowIfNull(mart);
        ArgumentNullException.ThrowIfNull(existing);
        return existing.GetValueOrDefault(mart.Name) switch
        {
            null => MartTableAction.Create,
            { Kind: "view" } => MartTableAction.ReplaceView,
            { Hash: var hash } when hash == mart.Hash => MartTableAction.Keep,
            _ => MartTableAction.ReplaceTable,
        };
    }
}
