using Microsoft.Extensions.DependencyInjection;

namespace Pipeline.Connectors.Mailchimp.Tests;

public sealed class MailchimpOptionsTests
{
    private const string Key = "0123456789abcdef0123456789abcdef-us21";

    [Test]
    public void The_datacenter_comes_from_the_key_and_names_the_api_host()
    {
        var account = new MailchimpAccountOptions { ApiKey = Key };

        Assert.That(MailchimpAccountOptions.DataCenterOfKey(Key), Is.EqualTo("us21"));
        Assert.That(new MailchimpOptions().ResolveBaseUrl(account), Is.EqualTo(new Uri("https://us21.api.mailchimp.com/3.0/")));
        Assert.That(new MailchimpOptions { BaseUrl = new Uri("http://127.0.0.1:5055/mailchimp/3.0") }.ResolveBaseUrl(account),
            Is.EqualTo(new Uri("http://127.0.0.1:5055/mailchimp/3.0/")), "BaseUrl overrides the datacenter");
        Assert.That(new MailchimpOptions().ResolveBaseUrl(new MailchimpAccountOptions { AccessToken = "oauth-token", DataCenter = "us6" }),
            Is.EqualTo(new Uri("https://us6.api.mailchimp.com/3.0/")));
    }

    [Test]
    public void A_valid_configuration_has_no_problems()
    {
        var options = new MailchimpOptions
        {
            Accounts =
            [
                new MailchimpAccountOptions { ApiKey = Key },
                new MailchimpAccountOptions { AccessToken = "oauth-token", DataCenter = "us6", MaxConcurrentRequests = 4 },
            ],
        };

        Assert.That(options.Validate(), Is.Empty);
    }

    [Test]
    public void Problems_name_the_key_and_never_repeat_the_secret()
    {
        var options = new MailchimpOptions
        {
            PageSize = 5000,
            Accounts =
            [
                new MailchimpAccountOptions { ApiKey = "0123456789abcdef-no-datacenter-1" },
                new MailchimpAccountOptions { ApiKey = Key, AccessToken = "t" },
                new MailchimpAccountOptions { AccessToken = "oauth-token" },
                new MailchimpAccountOptions { ApiKey = Key, MaxConcurrentRequests = 11 },
                new MailchimpAccountOptions { ApiKey = Key },
            ],
        };

        var problems = options.Validate().ToList();

        Assert.That(problems.Select(p => p.Key), Is.EquivalentTo(new[]
        {
            "Accounts:0:ApiKey", "Accounts:1:ApiKey", "Accounts:2:DataCenter", "Accounts:3:MaxConcurrentRequests", "Accounts:4:ApiKey", "PageSize",
        }));
        Assert.That(problems.Select(p => p.Message), Has.None.Contain("0123456789abcdef"));
        Assert.That(() => new ServiceCollection().AddMailchimpSource(options), Throws.InstanceOf<MailchimpConfigException>().With.Message.Contain("Accounts:3:MaxConcurrentRequests"));
    }

    [Test]
    public void Options_print_without_the_credential()
    {
        var account = new MailchimpAccountOptions { ApiKey = Key };

        Assert.That(account.ToString(), Does.Not.Contain("0123456789abcdef").And.Contain("****-us21"));
    }
}
