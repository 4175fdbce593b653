namespace Pipeline.SqlServer.Scripts.Tests;

/// <summary>
/// Every T-SQL script of the SQL Server engine (Versioned, Views, Semantic, Quartz, ... under
/// warehouse/SqlServer/Scripts) is valid SQL Server 2022 syntax, batch by batch as DbUp runs it. The parser catches
/// syntax only: names, types and semantics are checked by a deploy to a real server.
/// </summary>
public sealed class ScriptParseTests
{
    [Test]
    public void Every_script_parses_as_TSql160()
    {
        var scripts = TSqlScripts.Engine;
        Assert.That(scripts.Files, Is.Not.Empty, $"no *.sql files under {Repository.Relative(Repository.SqlServerScripts)}");
        Assert.That(scripts.Problems, Is.Empty, () =>
            $"{scripts.Problems.Count} parse error(s) in {scripts.Files.Count} T-SQL files:\n  " + string.Join("\n  ", scripts.Problems));
    }

    [Test]
    public void Batches_split_on_GO_lines_and_keep_file_line_numbers()
    {
        const string script = "SELECT 1;\nGO\n-- two\nSELECT 2;\n  go  -- end of batch\nSELECT 3;";

        var batches = TSqlScripts.SplitBatches("x.sql", script).ToList();

        Assert.That(batches.Select(b => b.StartLine), Is.EqualTo(new[] { 1, 3, 6 }));
        Assert.That(batches[1].Text, Does.Contain("SELECT 2;").And.Not.Contain("GO"));
    }

    [Test]
    public void A_syntax_error_is_reported_with_file_and_line()
    {
        var folder = Path.Combine(Path.GetTempPath(), "pipeline-sqlserver-scripts-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            File.WriteAllText(Path.Combine(folder, "bad.sql"), "SELECT 1;\nGO\nSELECT 2;\nSELEC 3 FROM;\n");

            var scripts = TSqlScripts.Load(folder);

            Assert.That(scripts.Problems, Has.Count.GreaterThan(0));
            Assert.That(scripts.Problems[0].File, Does.EndWith("bad.sql"));
            Assert.That(scripts.Problems[0].Line, Is.EqualTo(4));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
