using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pipeline.Cli.Logging;
using Pipeline.Etl;
using Pipeline.Etl.Configuration;
using Serilog;
using Serilog.Context;

namespace Pipeline.Cli;

/// <summary>
/// Builds the Generic Host for one command: validated configuration, Serilog carrying the run id, the console,
/// and the pipeline's services. A command's handler is then resolved with constructor injection.
/// </summary>
internal static class CommandHost
{
    public static async Task<int> RunAsync<THandler>(
        CliEnvironment env,
        FileInfo? configFile,
        Action<IServiceCollection>? register,
        CancellationToken cancellationToken)
        where THandler : class, ICommandHandler
    {
        var configuration = ConfigurationFiles.Load(configFile?.FullName, env.BaseDirectory);
        var options = ConfigValidator.BindAndValidate(configuration);
        var runId = RunIds.New();
        using var logger = PipelineLogging.Create(options.Logging, runId, SecretKeys.ValuesIn(configuration), env.LogToErrorWriter ? env.Error : null);
        using var runScope = LogContext.PushProperty("RunId", runId);

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddConfiguration(configuration);
        builder.Services.AddSerilog(logger, dispose: false);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<IConfigurationRoot>(configuration);
        builder.Services.AddSingleton(env);
        builder.Services.AddSingleton(env.CreateConsole());
        builder.Services.AddSingleton(new RunContext(runId));
        builder.Services.AddSingleton<WarehouseFactory>();
        builder.Services.AddSingleton<SourceCatalog>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddConfiguredSources(options.Sources);
        builder.Services.AddTransient<THandler>();
        register?.Invoke(builder.Services);

        using var host = builder.Build();
        await host.StartAsync(cancellationToken);
        try
        {
            return await host.Services.GetRequiredService<THandler>().RunAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The console gets one line (PipelineCli); the log keeps the whole story, secrets scrubbed.
            logger.ForContext(PipelineLogging.FileOnly, true).Error(ex, "Command failed: {Message}", ex.Message);
            throw;
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }
}

/// <summary>A command's work, resolved from the host.</summary>
internal interface ICommandHandler
{
    Task<int> RunAsync(CancellationToken cancellationToken);
}

/// <summary>The id every event and every sync_runs row of this invocation carries.</summary>
internal sealed record RunContext(string RunId);
