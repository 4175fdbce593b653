using System.CommandLine;
using Pipeline.Warehouse.Kpi;

namespace Pipeline.Cli.Commands;

/// <summary>
/// <c>pipeline catalog</c>: the KPI catalog as Markdown, JSON or Power BI DAX measures, generated from the catalog
/// itself (<see cref="KpiExport"/>); needs no warehouse.
/// </summary>
internal static class CatalogCommand
{
    public static Command Build(CliEnvironment env)
    {
        var format = new Option<string>("--format") { Description = "markdown (a reference), json (every field), dax (Power BI measures)", DefaultValueFactory = _ => "markdown" };
        format.AcceptOnlyFromAmong("markdown", "json", "dax");
        var catalog = new Command("catalog", "Print the KPI catalog as Markdown, JSON or Power BI DAX measures");
        catalog.Options.Add(format);
        catalog.SetAction(p => Run(env, p.GetValue(format)!));
        return catalog;
    }

    public static int Run(CliEnvironment env, string format)
    {
        ArgumentNullException.ThrowIfNull(env);
        env.Out.Write(format switch
        {
            "json" => KpiExport.Json(KpiCatalog.All),
            "dax" => KpiExport.Dax(KpiCatalog.All),
            _ => KpiExport.Markdown(KpiCatalog.All),
        });
        return ExitCodes.Ok;
    }
}
