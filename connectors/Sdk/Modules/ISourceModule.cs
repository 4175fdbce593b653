using Microsoft.Extensions.DependencyInjection;
using Pipeline.Connectors.Streams;

namespace Pipeline.Connectors.Modules;

/// <summary>
/// Everything the host knows about one source, in the source's own folder: its configuration section and options
/// type, how it registers, its built-in streams, when it runs, how stale it may get, its accounts and its demo
/// wiring. The host lists modules once (<c>Pipeline.Etl.Sources.Modules</c>); nothing else names a source.
/// </summary>
public interface ISourceModule
{
    /// <summary>Section under <c>Sources</c> in configuration (e.g. <c>HubSpot</c>); matched case-insensitively.</summary>
    string Section { get; }

    /// <summary>The source's name as its streams and jobs carry it (lower snake_case, e.g. <c>hubspot</c>).</summary>
    string Name { get; }

    /// <summary>The class the section binds to; configuration keys not on it are errors.</summary>
    Type OptionsType { get; }

    /// <summary>Streams the warehouse holds whether the source is configured or not (views read their tables).</summary>
    IReadOnlyList<StreamDescriptor> BuiltInStreams { get; }

    /// <summary>Default Quartz cron (seconds first) of the source's jobs.</summary>
    string DefaultCron { get; }

    /// <summary>Default freshness SLA: hours without a successful load before the source counts as stale.</summary>
    double FreshnessSlaHours { get; }

    /// <summary>The configured accounts as the schedule sees them, in configuration order (the index is the connection's).</summary>
    IReadOnlyList<string> AccountLabels(ISourceOptions options);

    /// <summary>The platform APIs and versions the source calls with these options (status checks their end of life).</summary>
    IReadOnlyList<ApiVersionInUse> ApiVersions(ISourceOptions options);

    /// <summary>Registers the source (validating its options first) and its HTTP clients.</summary>
    void Register(IServiceCollection services, ISourceOptions options);

    /// <summary>Options pointing the source at the demo sandbox, or null when the demo does not include it.</summary>
    ISourceOptions? Demo(DemoSandbox sandbox);
}

/// <summary>The typed base every module derives from: the casts from <see cref="ISourceOptions"/> live here once.</summary>
public abstract class SourceModule<TOptions> : ISourceModule
    where TOptions : class, ISourceOptions
{
    public abstract string Section { get; }

    public abstract string Name { get; }

    public Type OptionsType => typeof(TOptions);

    public abstract IReadOnlyList<StreamDescriptor> BuiltInStreams { get; }

    public abstract string DefaultCron { get; }

    public abstract double FreshnessSlaHours { get; }

    public IReadOnlyList<string> AccountLabels(ISourceOptions options) => AccountLabels(Typed(options));

    public void Register(IServiceCollection services, ISourceOptions options) => Register(services, Typed(options));

    public IReadOnlyList<ApiVersionInUse> ApiVersions(ISourceOptions options) => ApiVersions(Typed(options));

    ISourceOptions? ISourceModule.Demo(DemoSandbox sandbox) => Demo(sandbox);

    protected abstract IReadOnlyList<string> AccountLabels(TOptions options);

    protected abstract void Register(IServiceCollection services, TOptions options);

    /// <summary>None (the default): a source that calls no versioned platform API, such as local files.</summary>
    protected virtual IReadOnlyList<ApiVersionInUse> ApiVersions(TOptions options) => [];

    /// <summary>Null (the default): the demo leaves this source out.</summary>
    public virtual TOptions? Demo(DemoSandbox sandbox) => null;

    private TOptions Typed(ISourceOptions options) => options as TOptions
        ?? throw new ArgumentException($"source {Name} expects {typeof(TOptions).Name}, got {options?.GetType().Name ?? "null"}", nameof(options));
}
