using Pipeline.Cli.Logging;
using Pipeline.Etl.Configuration;

namespace Pipeline.Cli.Tests;

public sealed class LoggingTests : CliTestBase
{
    [Test]
    public void Secret_values_are_scrubbed_from_properties_and_exceptions_in_every_sink()
    {
        const string Secret = "EAAB-sentinel-token-9931";
        using var console = new StringWriter();
        var logger = PipelineLogging.Create(new LoggingOptions { Directory = LogFolder }, "run-1", [Secret], console);
        logger.Information("calling {Url}", new Uri($"https://graph.example/act_1/insights?access_token={Secret}"));
        logger.Error(new InvalidOperationException($"request failed for token {Secret}"), "sync failed for {Account}", "act_1");
        logger.Dispose();

        var file = string.Concat(Directory.GetFiles(LogFolder).Select(File.ReadAllText));
        Assert.That(console.ToString(), Does.Contain("access_token=" + SecretKeys.Mask).And.Contain("request failed for token " + SecretKeys.Mask));
        Assert.That(file, Does.Contain(SecretKeys.Mask).And.Contain("\"RunId\":\"run-1\""));
        Assert.That(console + file, Does.Not.Contain(Secret));
    }

    [TestCase("Warehouse:SqlServer:ConnectionString", true)]
    [TestCase("Sources:Meta:Accounts:0:AccessToken", true)]
    [TestCase("Sources:Mailchimp:Accounts:0:ApiKey", true)]
    [TestCase("Sources:HubSpot:ClientSecret", true)]
    [TestCase("Warehouse:DuckDb:Path", false)]
    [TestCase("Logging:Level", false)]
    public void Secret_keys_are_recognised_by_name(string key, bool secret) =>
        Assert.That(SecretKeys.IsSecret(key), Is.EqualTo(secret));
}
