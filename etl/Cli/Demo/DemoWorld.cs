using Pipeline.Connectors.Modules;
using Pipeline.Etl.Configuration;

namespace Pipeline.Cli.Demo;

/// <summary>
/// The demo's sources: the sandbox started as a child process on 127.0.0.1 with a world that ends today, and a
/// <see cref="SourcesOptions"/> in which every module that takes part in the demo points itself at it.
/// </summary>
internal sealed class DemoWorld : IAsyncDisposable
{
    private DemoWorld(SandboxProcess sandbox, SourcesOptions sources)
    {
        Sandbox = sandbox;
        Sources = sources;
    }

    public SandboxProcess Sandbox { get; }

    public SourcesOptions Sources { get; }

    public static async Task<DemoWorld> StartAsync(DateOnly today, int days, string filesFolder, CancellationToken cancellationToken)
    {
        DemoFiles.Write(filesFolder, today.AddDays(-(days - 1)), today);
        var sandbox = await SandboxProcess.StartAsync(today, days, cancellationToken);
        var context = new DemoSandbox(sandbox.Description, days, filesFolder);
        var sources = new SourcesOptions();
        foreach (var module in Etl.Sources.Modules)
        {
            if (module.Demo(context) is { } options)
            {
                sources.Set(module.Section, options);
            }
        }

        return new DemoWorld(sandbox, sources);
    }

    public ValueTask DisposeAsync() => Sandbox.DisposeAsync();
}
