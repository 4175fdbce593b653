using System.Runtime.InteropServices;

namespace Pipeline.Warehouse.DuckDb;

/// <summary>
/// DuckDB allocates with the jemalloc it bundles (Linux builds), which keeps freed pages resident for a decay period
/// (DuckDB sets 1 s) before it gives them back. A load frees and allocates blocks at a high rate, so the last second's
/// freed pages stayed resident beside the live ones. With no dirty decay, freed pages are handed back at once, lazily
/// (MADV_FREE: jemalloc's "muzzy" state, whose decay stays DuckDB's). make bench, 2 cores, with the other changes:
/// GA4 1M rows peaked at ~300 instead of ~360 MB at about the same CPU per row; Meta by country at ~320 instead of
/// ~390 MB, but at ~20 % more CPU per row (13.6 -> 16.7 s per million rows), because its windows keep DuckDB's buffer
/// pool at its limit and every block it recycles is now returned and faulted in again. Memory is what a small VM
/// lacks, so it wins here. Decays of 100-300 ms kept nearly all of the memory; purging outright (muzzy decay 0 too)
/// cost ~7 % more CPU on GA4.
/// </summary>
internal static class DuckDbNativeAllocator
{
    private static int configured;

    /// <summary>Once per process, after DuckDB is loaded: no dirty decay for the arenas it has and those it adds.</summary>
    public static void ReturnFreedPagesPromptly()
    {
        if (Interlocked.Exchange(ref configured, 1) == 1 || !OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            long none = 0;
            _ = Write("arenas.dirty_decay_ms", ref none, sizeof(long)); // arenas created from now on
            var arenas = 0L;
            nuint length = sizeof(uint);
            if (Read("arenas.narenas", ref arenas, ref length, IntPtr.Zero, 0) != 0)
            {
                return;
            }

            // "arena.4096" (all arenas) is refused for the decay, so each one; an index not created yet refuses too.
            for (var arena = 0; arena < (int)(uint)arenas; arena++)
            {
                _ = Write($"arena.{arena}.dirty_decay_ms", ref none, sizeof(long));
            }
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            // A DuckDB build without its jemalloc (or one that hides its symbols) allocates with the C library.
        }
    }

    /// <summary>jemalloc's decay for new arenas, in ms; null where DuckDB has no jemalloc (tests).</summary>
    internal static long? DirtyDecayMs()
    {
        try
        {
            var value = 0L;
            nuint length = sizeof(long);
            return OperatingSystem.IsLinux() && Read("arenas.dirty_decay_ms", ref value, ref length, IntPtr.Zero, 0) == 0 ? value : null;
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
    }

    // The bundled jemalloc's mallctl, prefixed so it does not replace the process's malloc.
    [DllImport("duckdb", EntryPoint = "duckdb_je_mallctl", ExactSpelling = true)]
    private static extern int Write([MarshalAs(UnmanagedType.LPUTF8Str)] string name, IntPtr oldValue, IntPtr oldLength, ref long newValue, nuint newLength);

    [DllImport("duckdb", EntryPoint = "duckdb_je_mallctl", ExactSpelling = true)]
    private static extern int Read([MarshalAs(UnmanagedType.LPUTF8Str)] string name, ref long oldValue, ref nuint oldLength, IntPtr newValue, nuint newLength);

    private static int Write(string name, ref long value, nuint length) => Write(name, IntPtr.Zero, IntPtr.Zero, ref value, length);
}
