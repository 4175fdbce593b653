using System.Runtime.InteropServices;

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

    private static readonly Lock Gate = new();
    private static Timer? trimmer;
    private static int syncs;
    private static bool unavailable = !OperatingSystem.IsLinux();

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
    public static IDisposable TrimWhileSyncing()
    {
        lock (Gate)
        {
            if (!unavailable && syncs++ == 0)
            {
                trimmer = new Timer(static _ => Trim(), null, TrimInterval, TrimInterval);
            }
        }

        return new Handle();
    }

    /// <summary>Whether the trim timer runs (tests).</summary>
    internal static bool IsTrimming
    {
        get
        {
            lock (Gate)
            {
                return trimmer is not null;
            }
        }
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

    private static void Release()
    {
        lock (Gate)
        {
            if (trimmer is not null && --syncs == 0)
            {
                trimmer.Dispose();
                trimmer = null;
            }
        }
    }

    [DllImport("libc", EntryPoint = "mallopt", ExactSpelling = true)]
    private static extern int MallOpt(int option, int value);

    [DllImport("libc", EntryPoint = "malloc_trim", ExactSpelling = true)]
    private static extern int MallocTrim(nuint pad);

    private sealed class Handle : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                Release();
            }
        }
    }
}
