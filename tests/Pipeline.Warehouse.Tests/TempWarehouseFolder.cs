namespace Pipeline.Warehouse.Tests;

/// <summary>A fresh folder for one test's DuckDB warehouse file, deleted afterwards.</summary>
internal sealed class TempWarehouseFolder : IDisposable
{
    public string Path { get; } = Directory.CreateDirectory(System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pipeline-tests", Guid.NewGuid().ToString("N"))).FullName;

    public string DbPath => System.IO.Path.Combine(Path, "warehouse.duckdb");

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still mapped by a failed test; the temp folder is cleaned by the OS.
        }
    }
}
