using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Connectors.Modules;
using Pipeline.Connectors.Streams;

namespace Pipeline.Connectors.Files;

/// <summary>CSV files (or .xlsx sheets) in a folder: marketing costs, NPS responses, KPI targets and FX rates; one connection (the folder).</summary>
public sealed class FilesSource(FilesOptions options, ILoggerFactory? loggerFactory = null) : ISource
{
    private readonly ILoggerFactory loggers = loggerFactory ?? NullLoggerFactory.Instance;

    public string Name => FilesStreams.Source;

    public IReadOnlyList<StreamDescriptor> Streams => FilesStreams.All;

    /// <summary>Checks the folder exists and logs every file in it that is not one of the known files (it is ignored).</summary>
    /// <exception cref="FilesConfigException">No folder configured, or it does not exist.</exception>
    public Task<IReadOnlyList<ISourceConnection>> ConnectAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        options.ThrowIfInvalid("Files", message => new FilesConfigException(message));

        var folder = Path.GetFullPath(options.Folder!);
        if (!Directory.Exists(folder))
        {
            throw new FilesConfigException($"Files: the folder '{folder}' (Sources:Files:Folder) does not exist");
        }

        var logger = loggers.CreateLogger<FilesSource>();
        var known = FileFormat.All.Select(f => FileSettings.For(f, options).FileName).ToHashSet(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal))
        {
            if (!known.Contains(file!))
            {
                logger.LogInformation("files: ignoring '{File}' in {Folder}: not one of {Known}", file, folder, string.Join(", ", known));
            }
        }

        IReadOnlyList<ISourceConnection> connections = [new FilesConnection(folder, options, loggers.CreateLogger<FilesConnection>())];
        return Task.FromResult(connections);
    }
}

public static class FilesServiceCollectionExtensions
{
    /// <summary>Registers the files source (<c>Sources:Files</c>).</summary>
    /// <exception cref="FilesConfigException">The options do not validate (e.g. no Folder).</exception>
    public static IServiceCollection AddFilesSource(this IServiceCollection services, FilesOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid("Files", message => new FilesConfigException(message));

        services.AddSingleton(options);
        services.AddSingleton<ISource, FilesSource>(sp => new FilesSource(options, sp.GetService<ILoggerFactory>()));
        return services;
    }
}

/// <summary>The Files source as one module: section <c>Sources:Files</c>, its streams, schedule, accounts and demo wiring.</summary>
public sealed class FilesModule : SourceModule<FilesOptions>
{
    public override string Section => "Files";

    public override string Name => "files";

    public override IReadOnlyList<StreamDescriptor> BuiltInStreams { get; } = FilesStreams.All;

    /// <summary>Hourly and cheap: an unchanged file is not read again.</summary>
    public override string DefaultCron => "0 40 * * * ?";

    public override double FreshnessSlaHours => 26;

    protected override IReadOnlyList<string> AccountLabels(FilesOptions options) =>
        ["folder"];

    protected override void Register(IServiceCollection services, FilesOptions options) => services.AddFilesSource(options);

    public override FilesOptions? Demo(DemoSandbox sandbox) => new() { Folder = sandbox.FilesFolder };
}
