using Microsoft.Extensions.Configuration;
using Pipeline.Etl;
using Pipeline.Etl.Configuration;
using Pipeline.Etl.Scheduling;

namespace Pipeline.Connectors.Pipedrive.Tests;

/// <summary>Pipedrive is configured, validated, scheduled and built into the warehouse through its module alone.</summary>
public sealed class PipedriveModuleTests
{
    private static IConfigurationRoot Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Test]
    public void Its_section_binds_to_its_options_and_schedules_one_job_per_company()
    {
        var options = ConfigValidator.BindAndValidate(Config(("Sources:Pipedrive:Accounts:0:ApiToken", "t1"), ("Sources:Pipedrive:Accounts:0:CompanyDomain", "acme"),
            ("Sources:Pipedrive:Accounts:1:ApiToken", "t2"), ("Sources:Pipedrive:Accounts:1:CompanyDomain", "globex")));

        Assert.That(options.Sources.Get("pipedrive"), Is.TypeOf<PipedriveOptions>());
        Assert.That(ScheduledAccount.FromConfiguration(options.Sources),
            Is.EqualTo(new[] { new ScheduledAccount("pipedrive", 0, "acme"), new ScheduledAccount("pipedrive", 1, "globex") }));
        Assert.That(ScheduleDefaults.Cron["pipedrive"], Is.EqualTo(new PipedriveModule().DefaultCron));
    }

    [Test]
    public void Its_validation_names_the_bad_key_under_its_section()
    {
        var errors = ConfigValidator.Validate(Config(("Sources:Pipedrive:Accounts:0:CompanyDomain", "acme"), ("Sources:Pipedrive:PageSize", "900")), out _);

        Assert.That(errors.Select(e => e.Key), Is.EquivalentTo(new[] { "Sources:Pipedrive:Accounts:0:ApiToken", "Sources:Pipedrive:PageSize" }));
    }

    [Test]
    public void An_unknown_key_in_its_section_is_a_shape_error()
    {
        var errors = ConfigValidator.Validate(Config(("Sources:Pipedrive:ApiTokn", "x")), out _);

        Assert.That(errors.Single().Message, Does.Contain("unknown key 'ApiTokn'"));
    }

    [Test]
    public void Its_staging_tables_are_built_in_but_the_demo_leaves_it_out()
    {
        Assert.That(Sources.BuiltInStreams.Select(s => s.TableName), Does.Contain("pipedrive_deals").And.Contain("pipedrive_persons"));
        Assert.That(new PipedriveModule().Demo(new Modules.DemoSandbox(default, 7, "files")), Is.Null);
    }
}
