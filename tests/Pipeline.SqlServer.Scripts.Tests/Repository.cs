namespace Pipeline.SqlServer.Scripts.Tests;

/// <summary>Folders of the repository the tests read scripts from (found by walking up to Pipeline.sln).</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>Every T-SQL script of the SQL Server engine lives under this folder (Versioned, Views, Semantic, ...).</summary>
    public static string SqlServerScripts => Path.Combine(Root, "warehouse", "SqlServer", "Scripts");

    public static string SqlServerSemanticScripts => Path.Combine(SqlServerScripts, "Semantic");

    /// <summary>The views written once for both engines, and every view's docs file.</summary>
    public static string SharedSemantic => Path.Combine(Root, "warehouse", "Semantic");

    public static string DuckDbSemanticScripts => Path.Combine(Root, "warehouse", "DuckDb", "Scripts", "Semantic");

    public static string Relative(string path) => Path.GetRelativePath(Root, path).Replace('\\', '/');

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Pipeline.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"no Pipeline.sln above {TestContext.CurrentContext.TestDirectory}");
    }
}
