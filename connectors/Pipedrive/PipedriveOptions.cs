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

    /// <summary>First backoff step after a 429 or 5xx; later steps grow exponentially.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    public Uri BaseUrlOf(PipedriveAccountOptions account) => BaseUrl ?? new Uri($"https://{account?.CompanyDomain}.pipedrive.com/");

    public IEnumerable<OptionProblem> Validate() =>
        (Accounts.Count == 0 ? [new OptionProblem("Accounts", "list at least one account (ApiToken and CompanyDomain)")] : Array.Empty<OptionProblem>())
        .Concat(Accounts.SelectMany((a, i) => new[]
        {
            string.IsNullOrWhiteSpace(a.ApiToken) ? new OptionProblem($"Accounts:{i}:ApiToken", "is required") : null,
            BaseUrl is null && Uri.CheckHostName(a.CompanyDomain + ".pipedrive.com") != UriHostNameType.Dns
                ? new OptionProblem($"Accounts:{i}:CompanyDomain", "is required (the name in https://{name}.pipedrive.com) unless BaseUrl is set") : null,
        }.OfType<OptionProblem>()))
        .Concat(PageSize is < 1 or > 500 ? [new OptionProblem("PageSize", $"{PageSize} is outside 1..500")] : []);
}

public sealed class PipedriveAccountOptions
{
    /// <summary>Personal API token; a secret, sent as the <c>x-api-token</c> header.</summary>
    public string? ApiToken { get; set; }
    /// <summary>The company domain; also the account id stored with every row.</summary>
    public string? CompanyDomain { get; set; }
}
