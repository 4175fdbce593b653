using Pipeline.Sandbox;
using Pipeline.Sandbox.World;

namespace Pipeline.Cli.Tests;

/// <summary><c>pipeline sync</c> with <c>Sync:MaxConcurrentAccounts</c>: an agency's accounts side by side, writes in turn.</summary>
public sealed class ConcurrentAccountsSyncTests : CliTestBase
{
    [Test]
    public async Task Accounts_synced_four_at_a_time_all_commit_and_stay_within_their_limits()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions
        {
            World = WorldOptions.Demo with { StartDate = today.AddDays(-6), Days = 7 },
            Agency = new AgencyAccounts { Ga4Properties = 6, MetaAdAccounts = 6 },
        });
        var c = sandbox.Credentials;
        WriteConfig(new
        {
            Sync = new { MaxConcurrentAccounts = 4 },
            Sources = new
            {
                Ga4 = new
                {
                    BaseUrl = sandbox.Ga4BaseAddress,
                    TokenUrl = sandbox.GoogleTokenUri,
                    Properties = c.Clients.Select(x => new { PropertyId = x.Ga4PropertyId, ServiceAccountKeyJson = c.GoogleServiceAccountKeyJson, FirstRunDays = 3 }).ToArray(),
                },
                Meta = new { BaseUrl = sandbox.MetaBaseAddress, AccessToken = c.MetaAccessToken, AdAccountIds = c.Clients.Select(x => x.MetaAdAccountId).ToArray(), FirstRunDays = 3 },
            },
        });

        var result = await RunWithConfigAsync("sync");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Error);
        Assert.That(result.Out, Does.Not.Contain("Failed"));
        foreach (var client in c.Clients)
        {
            Assert.That(result.Out, Does.Contain(client.Ga4PropertyId).And.Contain(client.MetaAdAccountId), "every account synced");
        }

        Assert.That(sandbox.QuotaStats().Skip(4).Where(s => !s.Honoured), Is.Empty);
    }
}
