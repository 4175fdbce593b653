using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Pipeline.Cli.Init;
using Pipeline.Etl.Configuration;
using Pipeline.Sandbox;
using Pipeline.Sandbox.World;
using Spectre.Console.Testing;

namespace Pipeline.Cli.Tests;

public sealed partial class InitCommandTests : CliTestBase
{
    private string InitPath => Path.Combine(Folder, "init.json");

    [TestCase("ga4")]
    [TestCase("meta")]
    [TestCase("mailchimp")]
    [TestCase("hubspot")]
    [TestCase("files")]
    [TestCase("ga4,meta,mailchimp,hubspot,files")]
    public async Task Non_interactive_init_writes_a_file_that_passes_validation_once_its_printed_secrets_are_set(string sources)
    {
        var result = await RunAsync("init", "--sources", sources, "--non-interactive", "--output", InitPath);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Error);
        var secrets = ExportedVariables(result.Out);
        var errors = Validate(InitPath, secrets);
        Assert.That(errors.Select(e => e.ToString()), Is.Empty, File.ReadAllText(InitPath));

        // The secrets are left out of the file: without the variables, exactly their keys are missing.
        var withoutSecrets = Validate(InitPath, []);
        Assert.That(withoutSecrets.Select(e => VariableOf(e.Key)), Is.EquivalentTo(secrets.Keys));
        var configured = new ConfigurationBuilder().AddJsonFile(InitPath).Build().GetSection("Sources").GetChildren().Select(c => c.Key.ToLowerInvariant());
        Assert.That(configured, Is.EquivalentTo(sources.Split(',')));
    }

    [Test]
    public async Task Ids_given_as_options_are_written_and_meta_act_prefixes_dropped()
    {
        var result = await RunAsync(
            "init", "--sources", "ga4,meta,hubspot", "--non-interactive", "--output", InitPath,
            "--ga4-property", "111,222", "--meta-ad-account", "act_333", "--hubspot-portal", "444");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Error);
        var configuration = new ConfigurationBuilder().AddJsonFile(InitPath).Build();
        Assert.That(configuration["Sources:Ga4:Properties:0:PropertyId"], Is.EqualTo("111"));
        Assert.That(configuration["Sources:Ga4:Properties:1:PropertyId"], Is.EqualTo("222"));
        Assert.That(configuration["Sources:Meta:AdAccountIds:0"], Is.EqualTo("333"));
        Assert.That(configuration["Sources:HubSpot:Accounts:0:PortalId"], Is.EqualTo("444"));
        Assert.That(result.Out, Does.Not.Contain("placeholder"));
    }

    [Test]
    public async Task Every_key_init_writes_has_a_comment_above_it()
    {
        await RunAsync("init", "--sources", "ga4,meta,mailchimp,hubspot,files", "--non-interactive", "--output", InitPath);

        var lines = File.ReadAllLines(InitPath);
        var uncommented = lines.Select((line, i) => (line, i))
            .Where(l => KeyLine().IsMatch(l.line) && (l.i == 0 || !lines[l.i - 1].TrimStart().StartsWith("//", StringComparison.Ordinal)))
            .Select(l => l.line.Trim())
            .ToList();
        Assert.That(uncommented, Is.Empty);
    }

    [Test]
    public void The_configuration_loader_accepts_comments_and_trailing_commas()
    {
        File.WriteAllText(ConfigPath, """
            // a comment line
            {
              /* a block comment */
              "Warehouse": { "DuckDb": { "Path": "x.duckdb", }, }, // after a value
            }
            """);

        var configuration = ConfigurationFiles.Load(ConfigPath, environment: false);

        Assert.That(configuration["Warehouse:DuckDb:Path"], Is.EqualTo("x.duckdb"));
        Assert.That(ConfigValidator.Validate(configuration, out _), Is.Empty);
    }

    [Test]
    public async Task An_existing_file_is_not_overwritten_without_force()
    {
        File.WriteAllText(InitPath, "{ }");

        var refused = await RunAsync("init", "--sources", "ga4", "--non-interactive", "--output", InitPath);

        Assert.That(refused.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(refused.ErrorLines.Single(), Does.Contain(InitPath).And.Contain("exists").And.Contain("--force"));
        Assert.That(File.ReadAllText(InitPath), Is.EqualTo("{ }"));
        Assert.That(Directory.GetFiles(Folder, "*.tmp"), Is.Empty);

        var forced = await RunAsync("init", "--sources", "ga4", "--non-interactive", "--output", InitPath, "--force");

        Assert.That(forced.ExitCode, Is.EqualTo(ExitCodes.Ok), forced.Error);
        Assert.That(File.ReadAllText(InitPath), Does.Contain("\"Ga4\""));
    }

    [Test]
    public async Task An_unknown_source_is_one_line_naming_it_and_the_valid_names()
    {
        var result = await RunAsync("init", "--sources", "ga4,tiktok", "--non-interactive", "--output", InitPath);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(result.ErrorLines.Single(), Does.Contain("'tiktok'").And.Contain("ga4, meta, mailchimp, hubspot, files"));
        Assert.That(File.Exists(InitPath), Is.False);
    }

    [TestCase("--ga4-property", "G-ABC123", "numeric GA4 property id")]
    [TestCase("--hubspot-portal", "1,2", "one HubSpot portal id")]
    public async Task A_bad_id_is_one_line_naming_the_option(string option, string value, string message)
    {
        var result = await RunAsync("init", "--sources", "ga4,hubspot", "--non-interactive", "--output", InitPath, option, value);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(result.ErrorLines.Single(), Does.Contain(option).And.Contain(message));
        Assert.That(File.Exists(InitPath), Is.False);
    }

    [Test]
    public async Task Without_a_terminal_init_asks_for_non_interactive_instead_of_waiting()
    {
        var result = await RunAsync("init", "--output", InitPath);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(result.ErrorLines.Single(), Does.Contain("--non-interactive"));
        Assert.That(File.Exists(InitPath), Is.False);
    }

    [Test]
    public async Task Interactive_init_asks_the_sources_and_their_ids()
    {
        var console = new TestConsole().Interactive();
        // Sources in offered order: ga4, meta, mailchimp, hubspot, files. Pick ga4 and hubspot.
        console.Input.PushKey(ConsoleKey.Spacebar);
        console.Input.PushKey(ConsoleKey.DownArrow);
        console.Input.PushKey(ConsoleKey.DownArrow);
        console.Input.PushKey(ConsoleKey.DownArrow);
        console.Input.PushKey(ConsoleKey.Spacebar);
        console.Input.PushKey(ConsoleKey.Enter);
        console.Input.PushTextWithEnter("G-123");        // refused: not a property id; asked again
        console.Input.PushTextWithEnter("987654321");
        console.Input.PushTextWithEnter("");             // HubSpot portal: read it from the token
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await PipelineCli.RunAsync(["init", "--output", InitPath], new CliEnvironment { Out = output, Error = error, Prompts = console });

        Assert.That(code, Is.EqualTo(ExitCodes.Ok), error.ToString());
        Assert.That(console.Output, Does.Contain("Which sources").And.Contain("not a numeric GA4 property id"));
        var configuration = new ConfigurationBuilder().AddJsonFile(InitPath).Build();
        Assert.That(configuration["Sources:Ga4:Properties:0:PropertyId"], Is.EqualTo("987654321"));
        Assert.That(configuration.GetSection("Sources:HubSpot:Accounts:0").Exists(), Is.True);
        Assert.That(configuration["Sources:HubSpot:Accounts:0:PortalId"], Is.Null);
        Assert.That(configuration.GetSection("Sources:Meta").Exists(), Is.False);
        Assert.That(output.ToString(), Does.Contain("PIPELINE__SOURCES__HUBSPOT__ACCOUNTS__0__ACCESSTOKEN"));
    }

    [Test]
    public async Task Init_against_a_running_sandbox_writes_a_config_that_checks_and_syncs_every_source()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { World = WorldOptions.Demo with { StartDate = today.AddDays(-13), Days = 14 } });

        var init = await RunAsync("init", "--sandbox", sandbox.BaseAddress.ToString(), "--output", ConfigPath, "--force", "--warehouse", WarehousePath);
        var check = await RunWithConfigAsync("config", "check");
        var sync = await RunWithConfigAsync("sync");

        Assert.That(init.ExitCode, Is.EqualTo(ExitCodes.Ok), init.Error);
        Assert.That(check.ExitCode, Is.EqualTo(ExitCodes.Ok), check.Error);
        Assert.That(sync.ExitCode, Is.EqualTo(ExitCodes.Ok), sync.Error);
        foreach (var source in InitTemplates.SourceNames)
        {
            Assert.That(sync.Out, Does.Match($@"│ {source}\s+│.*│ Succeeded"), source);
        }

        Assert.That(sync.Out, Does.Not.Contain("Failed"));
        Assert.That(File.ReadAllText(ConfigPath), Does.Contain(sandbox.Credentials.HubSpotPortalId).And.Contain("open only"));
        Assert.That(File.Exists(Path.Combine(Folder, SandboxInit.FilesFolderName, "marketing_costs.csv")), Is.True);
    }

    [Test]
    public async Task Init_with_no_sandbox_at_the_url_is_one_line_and_writes_nothing()
    {
        // A port nothing listens on: taken and released.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var result = await RunAsync("init", "--sandbox", $"http://127.0.0.1:{port}/", "--output", InitPath);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed));
        Assert.That(result.ErrorLines.Single(), Does.Contain("no sandbox answers at"));
        Assert.That(File.Exists(InitPath), Is.False);
    }

    [Test]
    public void The_complete_example_config_validates_once_the_secrets_it_names_are_set_and_every_key_is_commented()
    {
        var example = ExampleConfig();
        var text = File.ReadAllText(example);
        var secrets = ExportedVariables(text);

        Assert.That(Validate(example, secrets).Select(e => e.ToString()), Is.Empty);
        Assert.That(secrets.Keys, Has.Count.EqualTo(4), "Meta, Mailchimp, HubSpot and SMTP secrets come from the environment");
        var sources = new ConfigurationBuilder().AddJsonFile(example).Build().GetSection("Sources").GetChildren().Select(c => c.Key.ToLowerInvariant());
        Assert.That(sources, Is.EquivalentTo(InitTemplates.SourceNames));
        var lines = File.ReadAllLines(example);
        var uncommented = lines.Where((line, i) => KeyLine().IsMatch(line) && !lines[i - 1].TrimStart().StartsWith("//", StringComparison.Ordinal));
        Assert.That(uncommented, Is.Empty);
    }

    private static string ExampleConfig()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "ops", "examples", "pipeline.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        Assert.Ignore("ops/examples/pipeline.json is not above the test binaries (tests run outside the repository)");
        return "";
    }

    /// <summary>The <c>export NAME='...'</c> lines init prints, as configuration keys with a dummy value.</summary>
    private static Dictionary<string, string?> ExportedVariables(string output) =>
        Regex.Matches(output, @"export (PIPELINE__\w+)=").ToDictionary(m => m.Groups[1].Value, m => (string?)(m.Groups[1].Value.EndsWith("APIKEY", StringComparison.Ordinal) ? "0123abcd-us21" : "dummy"));

    private static string VariableOf(string key) => ConfigurationFiles.EnvironmentPrefix + key.Replace(":", "__", StringComparison.Ordinal).ToUpperInvariant();

    private static IReadOnlyList<ConfigError> Validate(string file, Dictionary<string, string?> variables)
    {
        var configuration = new ConfigurationBuilder()
            .AddConfiguration(ConfigurationFiles.Load(file, environment: false))
            .AddInMemoryCollection(variables.ToDictionary(v => v.Key[ConfigurationFiles.EnvironmentPrefix.Length..].Replace("__", ":", StringComparison.Ordinal), v => v.Value))
            .Build();
        return ConfigValidator.Validate(configuration, out _);
    }

    [GeneratedRegex("^\\s*\"\\w+\": ")]
    private static partial Regex KeyLine();
}
