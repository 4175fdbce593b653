using Microsoft.Extensions.Configuration;
using Pipeline.Etl.Configuration;

namespace Pipeline.Etl.Tests;

public sealed class SyncOptionsTests
{
    [TestCase("0")]
    [TestCase("65")]
    [TestCase("-3")]
    public void Accounts_at_once_outside_1_to_64_is_reported_with_its_key(string value)
    {
        var errors = Validate(new() { ["Sync:MaxConcurrentAccounts"] = value }, out _);

        Assert.That(errors.Select(e => e.Key), Is.EqualTo(new[] { "Sync:MaxConcurrentAccounts" }));
        Assert.That(errors[0].Message, Does.Contain("outside 1..64"));
    }

    [Test]
    public void A_word_is_not_a_count()
    {
        var errors = Validate(new() { ["Sync:MaxConcurrentAccounts"] = "many" }, out _);

        Assert.That(errors.Select(e => e.Key), Is.EqualTo(new[] { "Sync:MaxConcurrentAccounts" }));
    }

    [Test]
    public void Accounts_sync_one_at_a_time_unless_configured()
    {
        Assert.That(Validate([], out var defaults), Is.Empty);
        Assert.That(Validate(new() { ["Sync:MaxConcurrentAccounts"] = "8" }, out var eight), Is.Empty);

        Assert.That((defaults!.Sync.MaxConcurrentAccounts, eight!.Sync.MaxConcurrentAccounts), Is.EqualTo((1, 8)));
    }

    [Test]
    public void An_unknown_key_in_the_sync_section_is_an_error()
    {
        var errors = Validate(new() { ["Sync:MaxConcurrentAcounts"] = "4" }, out _);

        Assert.That(errors.Select(e => e.Key), Is.EqualTo(new[] { "Sync:MaxConcurrentAcounts" }));
    }

    private static List<ConfigError> Validate(Dictionary<string, string?> values, out PipelineOptions? options)
    {
        values.TryAdd("Warehouse:DuckDb:Path", "data/warehouse.duckdb");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        return ConfigValidator.Validate(configuration, out options).ToList();
    }
}
