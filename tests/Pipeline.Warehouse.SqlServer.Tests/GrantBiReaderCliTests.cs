using System.Text.Json;
using Pipeline.Cli;

namespace Pipeline.Warehouse.SqlServer.Tests;

/// <summary><c>pipeline migrate --grant-bi-reader</c>: what is refused before anything is opened or written.</summary>
public sealed class GrantBiReaderCliTests
{
    private const string Secret = "Sup3r-S3cret-Value";

    private string folder = "";

    private string ConfigPath => Path.Combine(folder, "pipeline.json");

    private string DuckDbPath => Path.Combine(folder, "data", "warehouse.duckdb");

    [SetUp]
    public void CreateFolder()
    {
        folder = Path.Combine(Path.GetTempPath(), "pipeline-sqlserver-cli-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
    }

    [TearDown]
    public void DeleteFolder()
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // left for the OS temp cleaner
        }
    }

    [Test]
    public async Task On_DuckDB_it_is_a_one_line_usage_error_and_nothing_is_written()
    {
        WriteConfig(new { Engine = "duckdb", DuckDb = new { Path = DuckDbPath } });

        var (code, output, error) = await RunAsync("migrate", "--grant-bi-reader", "powerbi");

        Assert.That(code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(error.Trim(), Is.EqualTo(
            "pipeline: error: --grant-bi-reader applies to the sqlserver engine only (Warehouse:Engine is duckdb); a DuckDB file has no logins or roles"));
        Assert.That(output, Is.Empty);
        Assert.That(File.Exists(DuckDbPath), Is.False, "no warehouse was created");
    }

    [TestCase("bi]; DROP USER dbo; --", "is not a login name")]
    [TestCase(" powerbi", "starts or ends with a space")]
    public async Task An_implausible_login_is_refused_before_the_warehouse_is_touched(string login, string problem)
    {
        WriteConfig(new { Engine = "sqlserver", SqlServer = new { ConnectionString = $"Server=127.0.0.1,1;Database=wh;User ID=sa;Password={Secret}" } });

        var (code, _, error) = await RunAsync("migrate", "--grant-bi-reader", login);

        Assert.That(code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(error, Does.StartWith("pipeline: error: --grant-bi-reader: ").And.Contain(problem));
        Assert.That(error.Trim().Split('\n'), Has.Length.EqualTo(1));
    }

    [Test]
    public async Task A_connection_string_without_a_database_is_a_usage_error_that_hides_the_secret()
    {
        WriteConfig(new { Engine = "sqlserver", SqlServer = new { ConnectionString = $"Server=127.0.0.1,1;User ID=sa;Password={Secret}" } });

        var (code, _, error) = await RunAsync("migrate");

        Assert.That(code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(error, Does.Contain("Warehouse:SqlServer:ConnectionString names no warehouse database"));
        Assert.That(error, Does.Not.Contain(Secret));
    }

    [Test]
    public async Task An_unreachable_server_names_server_and_database_but_not_the_secret()
    {
        WriteConfig(new { Engine = "sqlserver", SqlServer = new { ConnectionString = $"Server=127.0.0.1,1;Database=wh;User ID=sa;Password={Secret};Connect Timeout=2" } });

        var (code, _, error) = await RunAsync("migrate");

        Assert.That(code, Is.EqualTo(ExitCodes.Failed));
        Assert.That(error, Does.StartWith("pipeline: error: cannot connect to SQL Server 127.0.0.1,1 (database wh)"));
        Assert.That(error, Does.Not.Contain(Secret));
        var logs = Directory.GetFiles(Path.Combine(folder, "logs"), "*.json");
        Assert.That(logs, Is.Not.Empty);
        Assert.That(logs.Select(File.ReadAllText), Has.None.Contain(Secret), "the log file keeps the story, not the password");
    }

    private void WriteConfig(object warehouse) =>
        File.WriteAllText(ConfigPath, JsonSerializer.Serialize(new { Warehouse = warehouse, Logging = new { Directory = Path.Combine(folder, "logs") } }));

    private async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await PipelineCli.RunAsync([.. args, "--config", ConfigPath], new CliEnvironment { Out = output, Error = error, LogToErrorWriter = true });
        return (code, output.ToString(), error.ToString());
    }
}
