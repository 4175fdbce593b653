using Pipeline.Connectors.Files;
using Pipeline.Connectors.Ga4;
using Pipeline.Connectors.HubSpot;
using Pipeline.Connectors.Mailchimp;
using Pipeline.Connectors.Meta;
using Pipeline.Etl.Configuration;
using Pipeline.Sandbox;
using Pipeline.Sandbox.World;

namespace Pipeline.Cli.Demo;

/// <summary>
/// The demo's sources: the sandbox started in-process on 127.0.0.1 with a world that ends today, and a
/// <see cref="SourcesOptions"/> pointing every connector at it with the sandbox's own (fake) credentials.
/// </summary>
internal sealed class DemoWorld : IAsyncDisposable
{
    private DemoWorld(SandboxServer sandbox, SourcesOptions sources)
    {
        Sandbox = sandbox;
        Sources = sources;
    }

    public SandboxServer Sandbox { get; }

    public SourcesOptions Sources { get; }

    public static async Task<DemoWorld> StartAsync(DateOnly today, int days, string filesFolder, CancellationToken cancellationToken)
    {
        var world = WorldOptions.Demo with { StartDate = today.AddDays(-(days - 1)), Days = days };
        DemoFiles.Write(filesFolder, world.StartDate, today);
        var sandbox = await SandboxServer.StartAsync(new SandboxOptions { World = world }, cancellationToken);
        var credentials = sandbox.Credentials;
        var sources = new SourcesOptions
        {
            Ga4 = new Ga4Options
            {
                BaseUrl = sandbox.Ga4BaseAddress,
                TokenUrl = sandbox.GoogleTokenUri,
                Properties =
                [
                    new Ga4PropertyOptions
                    {
                        PropertyId = credentials.Ga4PropertyId,
                        ServiceAccountKeyJson = credentials.GoogleServiceAccountKeyJson,
                        FirstRunDays = days,
                    },
                ],
            },
            Meta = new MetaOptions
            {
                BaseUrl = sandbox.MetaBaseAddress,
                AccessToken = credentials.MetaAccessToken,
                AdAccountIds = [.. credentials.MetaAdAccountIds],
                FirstRunDays = days,
                // The sandbox finishes a report job in three polls; real jobs take seconds to minutes.
                AsyncPollInterval = TimeSpan.FromMilliseconds(50),
            },
            Mailchimp = new MailchimpOptions
            {
                BaseUrl = sandbox.MailchimpBaseAddress,
                Accounts = [new MailchimpAccountOptions { ApiKey = credentials.MailchimpApiKey }],
            },
            HubSpot = new HubSpotOptions
            {
                BaseUrl = sandbox.HubSpotBaseAddress,
                Accounts = [new HubSpotAccountOptions { AccessToken = credentials.HubSpotAccessToken }],
            },
            Files = new FilesOptions { Folder = filesFolder },
        };
        return new DemoWorld(sandbox, sources);
    }

    public ValueTask DisposeAsync() => Sandbox.DisposeAsync();
}
