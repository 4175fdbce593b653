using System.Text.Json.Nodes;
using Pipeline.Sandbox;

namespace Pipeline.Reliability.Tests.Infrastructure;

/// <summary>
/// One small sandbox world ending today (UTC), shared by the cases that compare a warehouse with the result of an
/// uninterrupted, fault-free <c>pipeline sync</c> of it: that reference run happens once per test run, through the
/// real CLI binary, and its checksums are computed once.
/// </summary>
internal sealed class ReferenceWorld : IAsyncDisposable
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static ReferenceWorld? shared;

    private readonly TempFolder folder;
    private IReadOnlyDictionary<string, ObjectChecksum>? withMarts;
    private IReadOnlyDictionary<string, ObjectChecksum>? withoutMarts;

    private ReferenceWorld(SandboxServer sandbox, TempFolder folder, string filesFolder, CliResult run)
    {
        Sandbox = sandbox;
        this.folder = folder;
        FilesFolder = filesFolder;
        Run = run;
    }

    /// <summary>The fault-free sandbox (tests that inject faults start their own over the same world).</summary>
    public SandboxServer Sandbox { get; }

    /// <summary>The CSV files of the Files source (never changed by a case).</summary>
    public string FilesFolder { get; }

    public string WarehousePath => folder.File("reference.duckdb");

    /// <summary>When the reference sync started (UTC): cases compare against it only on the same days.</summary>
    public DateTime SyncedAtUtc { get; private init; }

    /// <summary>The uninterrupted reference sync.</summary>
    public CliResult Run { get; }

    public static async Task<ReferenceWorld> GetAsync()
    {
        await Gate.WaitAsync();
        try
        {
            // A reference from before midnight would hold another day's cursors and coverage than a case run now.
            if (shared is { } stale && !Worlds.SameDaySince(stale.SyncedAtUtc))
            {
                shared = null;
                await stale.DisposeAsync();
            }

            return shared ??= await CreateAsync();
        }
        finally
        {
            Gate.Release();
        }
    }

    public static async Task DisposeSharedAsync()
    {
        if (shared is { } world)
        {
            shared = null;
            await world.DisposeAsync();
        }
    }

    /// <summary>A configuration for this world's sandbox writing to <paramref name="warehousePath"/>.</summary>
    public JsonObject Config(string warehousePath, string logFolder, string logLevel = "Information") =>
        PipelineConfig.Pipeline(warehousePath, logFolder, PipelineConfig.Sources(Sandbox, FilesFolder), logLevel);

    /// <summary>Every staging table, dw object, cursor and reject; with <paramref name="marts"/>, every mart view too (slow: tens of seconds).</summary>
    public async Task<IReadOnlyDictionary<string, ObjectChecksum>> ChecksumsAsync(bool marts)
    {
        if (marts)
        {
            return withMarts ??= await WarehouseChecksum.ComputeAsync(WarehousePath);
        }

        return withoutMarts ??= withMarts?.Where(kv => !kv.Key.StartsWith(WarehouseChecksum.MartPrefix, StringComparison.Ordinal)).ToDictionary()
            ?? await WarehouseChecksum.ComputeAsync(WarehousePath, marts: false);
    }

    public async ValueTask DisposeAsync()
    {
        await Sandbox.DisposeAsync();
        folder.Dispose();
    }

    private static async Task<ReferenceWorld> CreateAsync()
    {
        var syncedAt = DateTime.UtcNow;
        var folder = new TempFolder("reference");
        var sandbox = await SandboxServer.StartAsync(Worlds.Sandbox(Worlds.Small(Worlds.TodayUtc)));
        var files = PipelineConfig.WriteExampleFiles(folder.File("files"));
        var config = folder.File("pipeline.json");
        PipelineConfig.Write(config, PipelineConfig.Pipeline(folder.File("reference.duckdb"), folder.File("logs"), PipelineConfig.Sources(sandbox, files)));
        var run = await CliProcess.RunAsync(folder.Path, "sync", "--config", config);
        Assert.That(run.ExitCode, Is.Zero, $"the uninterrupted reference sync: {run}");
        return new ReferenceWorld(sandbox, folder, files, run) { SyncedAtUtc = syncedAt };
    }
}
