using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Etl.Configuration;

namespace Pipeline.Connectors.Files.Tests;

public sealed class FilesOptionsTests
{
    [Test]
    public void A_folder_is_required()
    {
        var problems = new FilesOptions().Validate().ToList();

        Assert.That(problems.Select(p => p.Key), Is.EqualTo(new[] { "Folder" }));
        Assert.That(problems[0].Message, Does.Contain("is required"));
        Assert.That(() => new ServiceCollection().AddFilesSource(new FilesOptions { Folder = " " }),
            Throws.InstanceOf<FilesConfigException>().With.Message.Contain("Sources:Files:Folder: is required"));
    }

    [Test]
    public void Values_out_of_range_are_named()
    {
        var problems = new FilesOptions { Folder = "/data", AccountId = "", BatchSize = 0 }.Validate().Select(p => p.Key);

        Assert.That(problems, Is.EquivalentTo(new[] { "AccountId", "BatchSize" }));
        Assert.That(new FilesOptions { Folder = "/data" }.Validate(), Is.Empty);
        Assert.That(new FilesOptions().AccountId, Is.EqualTo("default"));
    }

    [Test]
    public void Delimiter_culture_and_file_entries_are_checked_and_named()
    {
        var options = new FilesOptions
        {
            Folder = "/data",
            Delimiter = "|",
            Culture = "xx-NOPE",
            MarketingCosts = new FileEntryOptions { Path = "costs.xls" },
            NpsResponses = new FileEntryOptions { Path = "../nps.csv", Sheet = "Sheet1" },
            KpiTargets = new FileEntryOptions { Path = "targets.xlsx", Delimiter = ";" },
            FxRates = new FileEntryOptions { Culture = "" },
        };

        var problems = options.Validate().ToDictionary(p => p.Key, p => p.Message);

        Assert.That(problems.Keys, Is.EquivalentTo(new[]
        {
            "Delimiter", "Culture", "MarketingCosts:Path", "NpsResponses:Path", "NpsResponses:Sheet", "KpiTargets:Delimiter", "FxRates:Culture",
        }));
        Assert.That(problems["Delimiter"], Does.Contain("'|' is not a supported delimiter"));
        Assert.That(problems["Culture"], Does.Contain("'xx-NOPE' is not a known culture"));
        Assert.That(problems["MarketingCosts:Path"], Does.Contain("neither a .csv nor an .xlsx"));
        Assert.That(problems["NpsResponses:Path"], Does.Contain("inside Folder"));
        Assert.That(problems["NpsResponses:Sheet"], Does.Contain("only applies to an .xlsx"));
        Assert.That(() => new ServiceCollection().AddFilesSource(options),
            Throws.InstanceOf<FilesConfigException>().With.Message.Contain("Sources:Files:KpiTargets:Delimiter: only applies to a CSV file"));
        Assert.That(new FilesOptions { Folder = "/data", Delimiter = ";", Culture = "de-DE", FxRates = new FileEntryOptions { Path = "Kurse.xlsx", Sheet = "2026" } }.Validate(), Is.Empty);
    }

    [Test]
    public void The_pipeline_config_binds_file_entries_and_names_a_misspelt_or_meaningless_key()
    {
        static IConfigurationRoot Config(params (string Key, string Value)[] values) =>
            new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

        var options = ConfigValidator.BindAndValidate(Config(("Sources:Files:Folder", "/data"), ("Sources:Files:Culture", "de-DE"),
            ("Sources:Files:MarketingCosts:Path", "costs.xlsx"), ("Sources:Files:MarketingCosts:Sheet", "2026")));
        Assert.That((options.Sources.Files!.Culture, options.Sources.Files.MarketingCosts!.Path, options.Sources.Files.MarketingCosts.Sheet),
            Is.EqualTo(("de-DE", "costs.xlsx", "2026")));

        var typo = ConfigValidator.Validate(Config(("Sources:Files:Folder", "/data"), ("Sources:Files:MarketingCosts:Sheets", "2026")), out _);
        Assert.That(typo.Single().Message, Does.Contain("unknown key 'Sheets'"));
        var meaning = ConfigValidator.Validate(Config(("Sources:Files:Folder", "/data"), ("Sources:Files:FxRates:Delimiter", "tab")), out _);
        Assert.That(meaning.Select(e => e.Key), Is.EqualTo(new[] { "Sources:Files:FxRates:Delimiter" }));
    }

    [Test]
    public void A_folder_that_does_not_exist_fails_on_connect()
    {
        var missing = Path.Combine(Path.GetTempPath(), "pipeline-files-tests", Guid.NewGuid().ToString("N"));
        var source = new FilesSource(new FilesOptions { Folder = missing });

        Assert.That(async () => await source.ConnectAsync(),
            Throws.InstanceOf<FilesConfigException>().With.Message.Contain("does not exist").And.Message.Contain(missing));
    }

    [Test]
    public void The_source_describes_four_streams()
    {
        var source = new FilesSource(new FilesOptions { Folder = "/data" });

        Assert.That(source.Name, Is.EqualTo("files"));
        Assert.That(source.Streams.Select(s => s.TableName), Is.EqualTo(new[] { "files_marketing_costs", "files_nps_responses", "files_kpi_targets", "files_fx_rates" }));
        Assert.That(FilesStreams.Names, Is.EqualTo(new[] { "marketing_costs", "nps_responses", "kpi_targets", "fx_rates" }));
    }
}
