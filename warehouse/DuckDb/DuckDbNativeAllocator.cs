using System.Runtime.InteropServices;

namespace Pipeline.Warehouse.DuckDb;

/// <summary>
/// DuckDB allocates with the jemalloc it bundles (Linux builds), which keeps freed pages resident for a decay period
/// (DuckDB sets 1 s) before it gives them back. While a large window is appended, DuckDB frees and allocates blocks at
/// a high rate, and the last second's freed pages stayed resident beside the live ones. During such an append
/// (<see cref="BoundedAppender"/>, after its first flush) and the window's duplicate check and commit
/// (<see cref="DuckDbReportWindowLoader"/>) freed pages are handed back at once: no dirty decay, and no muzzy decay
/// either. Lazily returned pages (MADV_FREE, jemalloc's "muzzy" state) stay resident until the kernel needs them, and
/// jemalloc's own resident figure leaves them out: during Meta by country's appends they were 30-64 MB of the
/// process's peak. make bench, 2 cores: GA4 1M rows peaked at 300-320 instead of ~360 MB with the dirty decay off
/// during the append; Meta by country at 299-302 instead of 318-325 MB with the muzzy decay off too and the commit
/// inside (paired runs of the case alone, up to ~8 % more CPU per row, within the host's noise). Not for the whole
/// process: then every query's and every small window's freed blocks went back and were faulted in again
/// (many-accounts daily run +35-60 % CPU, mart refresh and BI copy +5-15 %).
/// </summary>
internal static class DuckDbNativeAllocator
{
    // DuckDB's own decays (dirty, muzzy), read once before the first change; null: no jemalloc to configure.
    private static readonly Lazy<(long Dirty, long Muzzy)?> DuckDbDecays = new(
        static () => DirtyDecayMs() is { } dirty && MuzzyDecayMs() is { } muzzy ? (dirty, muzzy) : null);

    private static readonly CountedScope Appending = new(
        static () =>
        {
            if (DuckDbDecays.Value is not null)
            {
                SetDecays(0, 0);
            }
        },
        static () =>
        {
            if (DuckDbDecays.Value is { } decays)
            {
                SetDecays(decays.Dirty, decays.Muzzy);
            }
        });

    /// <summary>Until disposed, freed pages go back without decay (nested and concurrent appends count once).</summary>
    public static IDisposable ReturnFreedPagesWhileAppending() => Appending.Enter();

    /// <summary>jemalloc's dirty decay of the first arena, in ms; null where DuckDB has no jemalloc.</summary>
    internal static long? DirtyDecayMs() => ReadLong("arena.0.dirty_decay_ms");

    /// <summary>jemalloc's muzzy decay of the first arena (how long lazily returned pages wait), in ms; null without jemalloc.</summary>
    internal static long? MuzzyDecayMs() => ReadLong("arena.0.muzzy_decay_ms");

    /// <summary>
    /// What jemalloc holds resident (pages it keeps, freed or not), what is allocated from it, and the freed pages it
    /// has returned lazily (MADV_FREE: resident until the kernel reclaims them, and not in jemalloc's resident
    /// figure), in bytes, fresh (jemalloc caches its statistics until the epoch advances); null where DuckDB has no
    /// jemalloc. For the benchmarks' memory figures: DuckDB's buffers are only part of what it allocates.
    /// </summary>
    internal static (long Resident, long Allocated, long LazilyFreed)? Statistics()
    {
        var advance = 1L;
        return ReadLong("epoch") is not null // jemalloc is there, so the write below cannot throw
            && Write("epoch", IntPtr.Zero, IntPtr.Zero, ref advance, sizeof(long)) == 0
            && ReadLong("stats.resident") is { } resident
            && ReadLong("stats.allocated") is { } allocated
            && ReadLong($"stats.arenas.{AllArenas}.pmuzzy") is { } muzzyPages
            ? (resident, allocated, muzzyPages * Environment.SystemPageSize)
            : null;
    }

    /// <summary>A 64-bit jemalloc setting or statistic; null where DuckDB has no jemalloc or it refuses the name.</summary>
    private static long? ReadLong(string name)
    {
        try
        {
            var value = 0L;
            nuint length = sizeof(long);
            return OperatingSystem.IsLinux() && Read(name, ref value, ref length, IntPtr.Zero, 0) == 0 ? value : null;
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
    }

    // MALLCTL_ARENAS_ALL: the statistics of every arena summed.
    private const int AllArenas = 4096;

    private static void SetDecays(long dirty, long muzzy)
    {
        var arenas = 0L;
        nuint length = sizeof(uint);
        if (Read("arenas.narenas", ref arenas, ref length, IntPtr.Zero, 0) != 0)
        {
            return;
        }

        // "arena.4096" (all arenas) is refused for the decays, so each one; an index not created yet refuses too.
        for (var arena = 0; arena < (int)(uint)arenas; arena++)
        {
            _ = Write($"arena.{arena}.dirty_decay_ms", IntPtr.Zero, IntPtr.Zero, ref dirty, sizeof(long));
            _ = Write($"arena.{arena}.muzzy_decay_ms", IntPtr.Zero, IntPtr.Zero, ref muzzy, sizeof(long));
        }
    }

    // The bundled jemalloc's mallctl, prefixed so it does not replace the process's malloc.
    [DllImport("duckdb", EntryPoint = "duckdb_je_mallctl", ExactSpelling = true)]
    private static extern int Write([MarshalAs(UnmanagedType.LPUTF8Str)] string name, IntPtr oldValue, IntPtr oldLength, ref long newValue, nuint newLength);

    [DllImport("duckdb", EntryPoint = "duckdb_je_mallctl", ExactSpelling = true)]
    private static extern int Read([MarshalAs(UnmanagedType.LPUTF8Str)] string name, ref long oldValue, ref nuint oldLength, IntPtr newValue, nuint newLength);
}
