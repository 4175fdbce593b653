using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Pipeline.Connectors.Auth;

namespace Pipeline.Connectors.Http;

public static class SourceHttpServiceCollectionExtensions
{
    /// <summary>
    /// Registers a named <see cref="HttpClient"/> for one source account: base address and user agent from
    /// <paramref name="options"/>, then (outermost first) <see cref="AuthHandler"/> when a token provider is given,
    /// <see cref="SourceResilienceHandler"/> with the account's shared pipeline, and
    /// <see cref="ApiCallCountingHandler"/>. The counter is a keyed <see cref="ApiCallCounter"/> under
    /// <paramref name="name"/> and also listed in <see cref="ApiCallCounters"/>; the token provider is a keyed
    /// singleton, so its cache outlives the factory's handler rotation.
    /// </summary>
    public static IHttpClientBuilder AddSourceHttpClient(
        this IServiceCollection services,
        string name,
        SourceHttpOptions options,
        Func<IServiceProvider, ITokenProvider>? tokenProvider = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var accountKey = options.AccountKey ?? name;

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ISourcePipelineProvider>(sp => new SourcePipelineProvider(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<ApiCallCounters>();
        services.AddKeyedSingleton(name, (sp, _) => sp.GetRequiredService<ApiCallCounters>().For(name));
        if (tokenProvider is not null)
        {
            services.AddKeyedSingleton(name, (sp, _) => tokenProvider(sp));
        }

        var builder = services
            .AddHttpClient(name, client =>
            {
                client.BaseAddress = options.BaseAddress;
                // The pipeline's total timeout governs; HttpClient's 100 s would cut through Retry-After waits.
                client.Timeout = Timeout.InfiniteTimeSpan;
                client.DefaultRequestHeaders.UserAgent.TryParseAdd(options.UserAgent);
            })
            .ConfigurePrimaryHttpMessageHandler(static () => new SocketsHttpHandler
            {
                AutomaticDecompression = DecompressionMethods.All,
                // Recycling pooled connections picks up DNS changes, so the factory need not rotate handlers.
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            // The factory's own loggers print request URLs, which for Meta carry access_token; ours redact.
            .RemoveAllLoggers();

        if (tokenProvider is not null)
        {
            builder.AddHttpMessageHandler(sp => new AuthHandler(sp.GetRequiredKeyedService<ITokenProvider>(name), options.TokenPlacement));
        }

        return builder
            .AddHttpMessageHandler(sp => new SourceResilienceHandler(
                sp.GetRequiredService<ISourcePipelineProvider>().GetPipeline(accountKey, options),
                options,
                sp.GetRequiredService<TimeProvider>()))
            .AddHttpMessageHandler(sp => new ApiCallCountingHandler(
                sp.GetRequiredKeyedService<ApiCallCounter>(name),
                sp.GetService<ILoggerFactory>()?.CreateLogger($"Pipeline.Connectors.Http.{name}")));
    }
}
