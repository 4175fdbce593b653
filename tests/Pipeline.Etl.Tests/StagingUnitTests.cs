namespace Pipeline.Etl.Tests;

/// <summary>A staging column whose unit differs from its neighbours says so (it becomes the column's comment).</summary>
public sealed class StagingUnitTests
{
    [Test]
    public void Every_built_in_rate_column_says_what_unit_it_is_in()
    {
        var undescribed = Sources.BuiltInStreams
            .SelectMany(s => s.Fields.Select(f => (Stream: s, Field: f)))
            .Where(x => x.Field.Name.EndsWith("_rate", StringComparison.Ordinal) && string.IsNullOrWhiteSpace(x.Field.Description))
            .Select(x => $"{x.Stream.TableName}.{x.Field.Name}")
            .ToList();
        Assert.That(undescribed, Is.Empty);
    }

    [Test]
    public void Mailchimp_list_rates_are_percents_and_campaign_report_rates_are_fractions()
    {
        string Description(string table, string column) =>
            Sources.BuiltInStreams.Single(s => s.TableName == table).Fields.Single(f => f.Name == column).Description ?? "";

        Assert.That(Description("mailchimp_lists", "open_rate"), Does.Contain("PERCENT"));
        Assert.That(Description("mailchimp_lists", "click_rate"), Does.Contain("PERCENT"));
        Assert.That(Description("mailchimp_campaign_reports", "open_rate"), Does.Contain("FRACTION"));
        Assert.That(Description("mailchimp_campaign_reports", "click_rate"), Does.Contain("FRACTION"));
    }
}
