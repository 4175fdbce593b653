using Pipeline.Sandbox;

namespace Pipeline.Connectors.Pipedrive.Tests;

internal static class PipedriveTest
{
    /// <summary>Small pages so a read spans several requests (paging and cancellation are exercised); short retries.</summary>
    public static PipedriveOptions Options(SandboxServer sandbox) => new()
    {
        BaseUrl = sandbox.PipedriveBaseAddress,
        Accounts = [new PipedriveAccountOptions { ApiToken = sandbox.Credentials.PipedriveApiToken, CompanyDomain = "sandbox" }],
        PageSize = 25,
        RetryBaseDelay = TimeSpan.FromMilliseconds(20),
    };
}
