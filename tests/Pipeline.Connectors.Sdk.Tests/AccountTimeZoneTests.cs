using Pipeline.Connectors.Streams;

namespace Pipeline.Connectors.Sdk.Tests;

public sealed class AccountTimeZoneTests
{
    [Test]
    public void The_configured_zone_wins_over_the_reported_one() =>
        Assert.That(AccountTimeZone.Resolve("America/New_York", "Europe/Berlin")!.Id, Is.EqualTo("America/New_York"));

    [Test]
    public void The_reported_zone_is_used_when_none_is_configured() =>
        Assert.That(AccountTimeZone.Resolve(" ", "Europe/Berlin")!.Id, Is.EqualTo("Europe/Berlin"));

    [Test]
    public void Neither_gives_null_for_the_caller_to_decide() =>
        Assert.That(AccountTimeZone.Resolve(null, null), Is.Null);

    [TestCase("Mars/Olympus", null, "configured")]
    [TestCase(null, "Mars/Olympus", "reported by the API")]
    public void An_unknown_zone_is_an_error_naming_it_and_its_origin(string? configured, string? reported, string origin) =>
        Assert.That(() => AccountTimeZone.Resolve(configured, reported),
            Throws.TypeOf<TimeZoneNotFoundException>().With.Message.Contains("'Mars/Olympus'").And.Message.Contains(origin));
}
