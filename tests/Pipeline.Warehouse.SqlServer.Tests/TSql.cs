using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace Pipeline.Warehouse.SqlServer.Tests;

/// <summary>Parses T-SQL as SQL Server 2022 (compatibility level 160) does; GO separates batches.</summary>
internal static class TSql
{
    public static IReadOnlyList<string> Errors(string script)
    {
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(script);
        parser.Parse(reader, out var errors);
        return errors.Select(e => $"line {e.Line}, column {e.Column}: {e.Message}").ToList();
    }

    public static void AssertParses(string script, string what) =>
        Assert.That(Errors(script), Is.Empty, $"{what} parses as T-SQL 160:\n{script}");
}
