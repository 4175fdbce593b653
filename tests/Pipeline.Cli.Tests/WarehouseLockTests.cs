using DuckDB.NET.Data;

namespace Pipeline.Cli.Tests;

public sealed class WarehouseLockTests : CliTestBase
{
    [Test]
    public async Task A_second_process_gets_a_clear_busy_error_and_the_warehouse_stays_intact()
    {
        var migrated = await RunWithConfigAsync("migrate");
        Assert.That(migrated.ExitCode, Is.EqualTo(ExitCodes.Ok), migrated.Error);

        CliResult second;
        await using (var holder = new DuckDBConnection($"Data Source={WarehousePath}"))
        {
            await holder.OpenAsync();
            second = await RunProcessAsync(Folder, null, "migrate", "--config", ConfigPath);
        }

        Assert.That(second.ExitCode, Is.EqualTo(ExitCodes.WarehouseBusy), second.Error);
        Assert.That(second.ErrorLines, Has.Length.EqualTo(1));
        Assert.That(second.ErrorLines[0], Does.Contain($"warehouse is busy (held by process {Environment.ProcessId}").And.Contain(WarehousePath));

        var after = await RunWithConfigAsync("status");
        Assert.That(after.ExitCode, Is.EqualTo(ExitCodes.Ok), after.Error);
        Assert.That(after.Out, Does.Contain("schema_versions"));
    }
}
