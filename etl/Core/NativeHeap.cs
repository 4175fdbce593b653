using System.Runtime.InteropServices;
using Pipeline.Warehouse;

namespace Pipeline.Etl;

/// <summary>
/// The C library's heap (glibc on Linux) of a process that syncs. The runtime and DuckDB's C++ objects allocate
/// there, and glibc keeps what they free: up to 8 arenas per core, each holding its free chunks resident. At the GA4
/// 1M-row ingest's peak (make bench, 2 cores) glibc held 50-60 MB it did not use. Two arenas and a trim every
/// <see cref="TrimInterval"/> while a sync runs (a walk of the free lists and an madvise of whole free pages) took
/// ~30 MB off that peak at no measurable CPU. Elsewhere (macOS, Windows, musl) both do nothing.
/// </summary>
public static class NativeHeap
{
    /// <summary>How often free pages go back to the system while a sync runs.</summary>
    public static readonly TimeSpan TrimInterval = TimeSpan.FromMilliseconds(200);

    // mallopt(3): M_ARENA_MAX.
    private const int ArenaMaxOption = -8;
    private const int Arenas = 2;

    private static readonly CountedScope Syncing = new(StartTrimming, StopTrimming);
    private static Timer? trimmer;
    private static volatile bool unavailable = !OperatingSystem.IsLinux();

    /// <summary>First thing in Main, before threads allocate: at most <see cref="Arenas"/> arenas.</summary>
    public static void LimitArenas()
    {
        if (unavailable)
        {
            return;
        }

        try
        {
            _ = MallOpt(ArenaMaxOption, Arenas);
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            unavailable = true; // not glibc
        }
    }

    /// <summary>Trims the heap every <see cref="TrimInterval"/> until the last sync running in the process disposes its handle.</summary>
    public static IDisposable TrimWhileSyncing() => Syncing.Enter();

    /// <summary>Whether the trim timer runs (tests).</summary>
    internal static bool IsTrimming => Volatile.Read(ref trimmer) is not null;

    private static void StartTrimming()
    {
        if (!unavailable)
        {
            Volatile.Write(ref trimmer, new Timer(static _ => Trim(), null, TrimInterval, TrimInterval));
        }
    }

    private static void StopTrimming()
    {
        Interlocked.Exchange(ref trimmer, null)?.Dispose();
    }

    private static void Trim()
    {
        try
        {
            _ = MallocTrim(0);
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            unavailable = true; // not glibc: the timer stops at the next release
        }
    }

    [DllImport("libc", EntryPoint = "mallopt", ExactSpelling = true)]
    private static extern int MallOpt(int option, int value);

    [DllImport("libc", EntryPoint = "malloc_trim", ExactSpelling = true)]
    private static extern int MallocTrim(nuint pad);
}
