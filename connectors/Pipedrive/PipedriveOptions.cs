using Pipeline.Connectors.Streams;

namespace Pipeline.Connectors.Pipedrive;

/// <summary>Configuration section <c>Sources:Pipedrive</c>: one entry per Pipedrive company (account).</summary>
public sealed class PipedriveOptions : ISourceOptions
{
    /// <summary>API root for every account instead of <c>https://{CompanyDomain}.pipedrive.com/</c> (the sandbox sets it).</summary>
    public Uri? BaseUrl { get; set; }

    public List<PipedriveAccountOptions> Accounts { get; set; } = [];

    /// <summary><c>limit</c> per page, 1–500.</summary>
    public int PageSize { get; set; } = 500;

    public int MaxAttempts { get; set; } = 5;

    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    public Uri BaseUrlOf(PipedriveAccountOptions account) =>
        BaseUrl ?? new Uri($"https://{account?.CompanyDomain}.pipedrive.com/");

    public IEnumerable<OptionProblem> Validate()
    {
        if (Accounts.Count == 0)
        {
            yield return new("Accounts", "list at least one account (ApiToken and CompanyDomain)");
        }

        for (var i = 0; i < Accounts.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(Accounts[i].ApiToken))
            {
                yield return new($"Accounts:{i}:ApiToken", "is required");
            }

            if (BaseUrl is null && (Accounts[i].CompanyDomain is not { Length: > 0 } domain || !Uri.CheckHostName(domain + ".pipedrive.com").Equals(UriHostNameType.Dns)))
            {
                yield return new($"Accounts:{i}:CompanyDomain", "is required (the name in https://{name}.pipedrive.com) unless BaseUrl is set");
            }
        }

        if (PageSize is < 1 or > 500)
        {
            yield return new("PageSize", $"{PageSize} is outside 1..500");
        }

        if (MaxAttempts is < 1 or > 20)
        {
            yield return new("MaxAttempts", $"{MaxAttempts} is outside 1..20");
        }
    }
}

public sealed class PipedriveAccountOptions
{
    /// <summary>Personal API token (Settings › Personal preferences › API). A secret: sent as the <c>x-api-token</c> header.</summary>
    public string? ApiToken { get; set; }

    /// <summary>The company domain; also the account id stored with every row.</summary>
    public string? CompanyDomain { get; set; }
}
