using Pipeline.Connectors.Streams;

namespace Pipeline.Warehouse;

/// <summary>
/// The load path: bulk-append every batch into a load table as it arrives, then in ONE transaction replace the
/// window (report streams) or upsert by key (entity streams), keep rejects with their reason and advance the
/// cursor. Either all of that commits or none of it does.
/// </summary>
public interface IStagingLoader
{
    Task<WindowLoadResult> LoadWindowAsync(
        StreamDescriptor stream,
        LoadWindow window,
        IAsyncEnumerable<RecordBatch> batches,
        CancellationToken cancellationToken = default);
}
