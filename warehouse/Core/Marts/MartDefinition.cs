using Pipeline.Warehouse.Semantic;

namespace Pipeline.Warehouse.Marts;

/// <summary>
/// One materialized mart: table <c>mart.&lt;Name&gt;</c>, computed by view <c>mart_def.&lt;Name&gt;</c>, refreshed as
/// its docs file says, with the hash of its definition and of everything the definition reads (so a changed
/// dw view or reporting setting rebuilds it as a changed mart view does).
/// </summary>
/// <param name="ReadsMarts">
/// Whether the definition reads another mart table. A full mart that reads none (mart.customer_retention) is
/// refreshed before the refresh works out its affected days: it needs none.
/// </param>
/// <param name="ReadsClock">
/// Whether the definition reads, itself or through what it reads, the clock or the run log (coverage, status, periods
/// in progress): its rows can change with time alone, so a refresh recomputes them from the clock horizon on. The
/// others (the daily measures, the measures by grain) change only where data changed.
/// </param>
/// <param name="FeedsContext">
/// Whether a context mart reads this mart's table, itself or through what it reads (mart.kpi_context_daily: the
/// report streams' spellings by day). A refresh brings such a mart up to date first, from the first day a report
/// window reloaded, since the context is compared before any other mart is refreshed.
/// </param>
public sealed record MartDefinition(string Name, MartRefreshPolicy Refresh, string Hash, bool ReadsMarts = true, bool ReadsClock = true, bool FeedsContext = false)
{
    public string Table => MartLayer.TableSchema + "." + Name;

    public string Definition => MartLayer.DefinitionSchema + "." + Name;
}

/// <summary>How a deploy leaves a mart's table (see <see cref="MartLayer.Plan"/>).</summary>
public enum MartTableAction
{
    /// <summary>The table exists and its definition did not change: keep its rows.</summary>
    Keep,

    /// <summary>No table yet: create it filled from the definition.</summary>
    Create,

    /// <summary>The mart is still a view (a warehouse from before marts were tables): drop it, create the table.</summary>
    ReplaceView,

    /// <summary>The definition changed: drop the table and create it again filled from the new definition.</summary>
    ReplaceTable,
}

/// <summary>What a deploy found of a mart: an object of kind "view" or "table", and the definition hash recorded for it.</summary>
public sealed record ExistingMart(string Kind, string? Hash);
