namespace Pipeline.Connectors.HubSpot.Tests;

public sealed class HubSpotOptionsTests
{
    private static HubSpotOptions Valid() => new() { Accounts = [new HubSpotAccountOptions { AccessToken = "pat-na1-1234", PortalId = "123" }] };

    [Test]
    public void Valid_options_have_no_problems() => Assert.That(Valid().Validate(), Is.Empty);

    [Test]
    public void An_account_needs_exactly_one_credential()
    {
        var options = Valid();
        options.Accounts.Add(new HubSpotAccountOptions());
        options.Accounts.Add(new HubSpotAccountOptions { AccessToken = "pat-2", OAuth = new HubSpotOAuthOptions { ClientId = "c", ClientSecret = "s", RefreshToken = "r" } });

        Assert.That(options.Validate().Select(p => p.Key), Is.EqualTo(new[] { "Accounts:1:AccessToken", "Accounts:2:AccessToken" }));
    }

    [Test]
    public void Extra_properties_must_be_names_new_columns_and_never_addresses()
    {
        var options = Valid();
        options.ContactProperties = ["firstname", "Bad Name", "work_email", "lifecyclestage", "firstname"];
        options.DealProperties = ["id"];

        var problems = options.Validate().ToList();

        Assert.That(problems.Select(p => p.Key), Is.EqualTo(new[] { "ContactProperties:1", "ContactProperties:2", "ContactProperties:3", "ContactProperties:4", "DealProperties:0" }));
        Assert.That(problems[1].Message, Does.Contain("email addresses"));
    }

    [Test]
    public void Ranges_are_checked()
    {
        var options = Valid();
        options.PageSize = 101;
        options.SearchPageSize = 0;
        options.AssociationBatchSize = 1001;
        options.Accounts[0].PortalId = "abc";

        Assert.That(options.Validate().Select(p => p.Key), Is.EquivalentTo(new[] { "PageSize", "SearchPageSize", "AssociationBatchSize", "Accounts:0:PortalId" }));
    }

    [Test]
    public void The_credential_never_appears_in_descriptions()
    {
        var account = new HubSpotAccountOptions { AccessToken = "pat-na1-secret-value" };

        Assert.That(account.ToString(), Does.Not.Contain("secret"));
        Assert.That(HubSpotSource.ClientName(account), Does.Not.Contain("secret"));
    }
}
