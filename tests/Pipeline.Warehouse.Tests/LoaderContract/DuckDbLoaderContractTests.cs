using System.Data.Common;
using DuckDB.NET.Data;
using Pipeline.Connectors.Streams;
using Pipeline.Warehouse.DuckDb;
using static Pipeline.Warehouse.Tests.LoaderContract.ContractStreams;

namespace Pipeline.Warehouse.Tests.LoaderContract;

/// <summary>The load contract on DuckDB: a fresh warehouse file per test, in its own temp folder.</summary>
public sealed class DuckDbLoaderContractTests : StagingLoaderContractTests
{
    private TempWarehouseFolder folder = null!;

    private string DbPath => folder.DbPath;

    [SetUp]
    public void CreateFolder() => folder = new TempWarehouseFolder();

    [TearDown]
    public void DeleteFolder() => folder.Dispose();

    protected override async Task<IWarehouseEngine> OpenMigratedAsync(Func<StreamDescriptor, LoadWindow, CancellationToken, Task>? beforeCommit = null)
    {
        var warehouse = DuckDbWarehouse.Open(new DuckDbWarehouseOptions { Path = DbPath, BeforeCommit = beforeCommit });
        await warehouse.MigrateAsync(ContractStreams.All);
        return warehouse;
    }

    protected override async Task<DbConnection> ConnectAsync()
    {
        var connection = new DuckDBConnection($"Data Source={DbPath}");
        await connection.OpenAsync();
        return connection;
    }

    [Test]
    public async Task A_large_windows_duplicate_check_and_commit_return_freed_pages_at_once_and_a_small_ones_keep_duckdbs_decays()
    {
        if ((DuckDbNativeAllocator.DirtyDecayMs(), DuckDbNativeAllocator.MuzzyDecayMs()) is not ({ } dirty, { } muzzy))
        {
            Assert.Ignore("this platform's DuckDB build has no jemalloc (it bundles one on Linux only)");
            return;
        }

        var atCommit = new List<(long?, long?)>();
        await using var warehouse = await OpenMigratedAsync((_, _, _) =>
        {
            atCommit.Add((DuckDbNativeAllocator.DirtyDecayMs(), DuckDbNativeAllocator.MuzzyDecayMs()));
            return Task.CompletedTask;
        });
        var day = new DateOnly(2026, 3, 1);
        var large = Enumerable.Range(0, BoundedAppender.RowsPerFlush + 1).Select(i => Day(day, $"c{i}", i, 1m)).ToArray();

        await warehouse.Loader.LoadWindowAsync(Daily, new LoadWindow("acc", "run1", day, day), Rows(large));
        await warehouse.Loader.LoadWindowAsync(Daily, new LoadWindow("acc", "run2", day, day), Rows(Day(day, "c1", 1, 1m)));

        Assert.That(atCommit, Is.EqualTo(new (long?, long?)[] { (0, 0), (dirty, muzzy) }), "inside each load transaction, just before it commits");
        Assert.That((DuckDbNativeAllocator.DirtyDecayMs(), DuckDbNativeAllocator.MuzzyDecayMs()), Is.EqualTo(((long?)dirty, (long?)muzzy)), "DuckDB's decays once the large window is committed");
    }
}
