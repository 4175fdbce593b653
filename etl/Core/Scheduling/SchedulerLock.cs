using System.Globalization;
using Pipeline.Warehouse;

namespace Pipeline.Etl.Scheduling;

/// <summary>
/// One <c>pipeline schedule</c> per DuckDB warehouse: an exclusive lock on <c>&lt;warehouse&gt;.schedule.lock</c>
/// held for the scheduler's lifetime (the OS releases it if the process dies), with the holder described in
/// <c>&lt;warehouse&gt;.schedule.owner</c> so a second scheduler can say who it is waiting for. The warehouse file
/// itself is opened only while a job runs, so <c>pipeline status</c> and manual commands work in between.
/// </summary>
public sealed class SchedulerLock : IDisposable
{
    private readonly FileStream stream;
    private readonly string ownerPath;

    private SchedulerLock(FileStream stream, string ownerPath)
    {
        this.stream = stream;
        this.ownerPath = ownerPath;
    }

    public static SchedulerLock Acquire(string warehousePath, TimeProvider? clock = null)
    {
        var full = Path.GetFullPath(warehousePath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var lockPath = full + ".schedule.lock";
        var ownerPath = full + ".schedule.owner";
        FileStream stream;
        try
        {
            stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            var holder = ReadOwner(ownerPath) ?? "another process";
            throw new WarehouseBusyException(
                $"another 'pipeline schedule' is running on {full} ({holder}); one scheduler per DuckDB warehouse (stop it first, or use SQL Server with Schedule:Clustered for several nodes)",
                ex);
        }

        var now = (clock ?? TimeProvider.System).GetUtcNow();
        File.WriteAllText(ownerPath, string.Create(CultureInfo.InvariantCulture,
            $"process {Environment.ProcessId} on {Environment.MachineName}, started {now:yyyy-MM-dd HH:mm:ss} UTC"));
        return new SchedulerLock(stream, ownerPath);
    }

    public void Dispose()
    {
        try
        {
            File.Delete(ownerPath);
        }
        catch (IOException)
        {
            // Rewritten by the next scheduler; the lock is what counts.
        }

        // The lock file stays: deleting it would let a scheduler that opened it a moment ago hold a lock on a file
        // nobody else can see anymore.
        stream.Dispose();
    }

    private static string? ReadOwner(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
