using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Serialization;

namespace Pipeline.Connectors.Ga4;

/// <summary>
/// One report row: the <c>value</c> of each dimension and metric, in header order (null where GA4 sent none).
/// A 25,000-row page is held while its rows are typed, so a row keeps its cells as one UTF-8 byte array (about a
/// third of what a string per cell costs, and one allocation instead of eighteen); metrics are parsed straight from
/// the bytes and only dimensions become strings. Read by <see cref="ReportRowConverter"/>.
/// </summary>
/// <remarks>
/// Layout: the cell count (int32), then per cell the end of its bytes (int32, bitwise-complemented when the cell is
/// null), then the bytes of every cell back to back.
/// </remarks>
[JsonConverter(typeof(ReportRowConverter))]
public sealed class ReportRow
{
    private readonly byte[] cells;

    public ReportRow(IReadOnlyList<string?> dimensionValues, IReadOnlyList<string?> metricValues)
    {
        ArgumentNullException.ThrowIfNull(dimensionValues);
        ArgumentNullException.ThrowIfNull(metricValues);
        var writer = ReportRowWriter.Rent();
        foreach (var value in dimensionValues.Concat(metricValues))
        {
            writer.Add(value is null ? null : Encoding.UTF8.GetBytes(value));
        }

        cells = writer.ToArray();
        DimensionCount = dimensionValues.Count;
    }

    internal ReportRow(byte[] cells, int dimensionCount)
    {
        this.cells = cells;
        DimensionCount = dimensionCount;
    }

    public int DimensionCount { get; }

    public int MetricCount => BinaryPrimitives.ReadInt32LittleEndian(cells) - DimensionCount;

    public IReadOnlyList<string?> DimensionValues => [.. Enumerable.Range(0, DimensionCount).Select(Text)];

    public IReadOnlyList<string?> MetricValues => [.. Enumerable.Range(DimensionCount, MetricCount).Select(Text)];

    /// <summary>Dimension <paramref name="index"/> as text, or null.</summary>
    public string? Dimension(int index) => Text(index);

    /// <summary>Dimension <paramref name="index"/>'s UTF-8 bytes; false when GA4 sent no value.</summary>
    internal bool TryGetDimension(int index, out ReadOnlySpan<byte> utf8) => TryGetCell(index, out utf8);

    /// <summary>Metric <paramref name="index"/>'s UTF-8 bytes; false when GA4 sent no value.</summary>
    public bool TryGetMetric(int index, out ReadOnlySpan<byte> utf8) => TryGetCell(DimensionCount + index, out utf8);

    private string? Text(int cell) => TryGetCell(cell, out var utf8) ? Encoding.UTF8.GetString(utf8) : null;

    private bool TryGetCell(int cell, out ReadOnlySpan<byte> utf8)
    {
        var count = BinaryPrimitives.ReadInt32LittleEndian(cells);
        var data = (1 + count) * sizeof(int);
        var end = EndOf(cell);
        var start = cell == 0 ? 0 : Unmarked(EndOf(cell - 1));
        utf8 = cells.AsSpan(data + start, Unmarked(end) - start);
        return end >= 0;
    }

    private int EndOf(int cell) => BinaryPrimitives.ReadInt32LittleEndian(cells.AsSpan((1 + cell) * sizeof(int)));

    private static int Unmarked(int end) => end < 0 ? ~end : end;
}

/// <summary>
/// Builds a <see cref="ReportRow"/>'s byte layout cell by cell. A page has tens of thousands of rows, so the converter
/// takes the thread's writer (<see cref="Rent"/>), which <see cref="ToArray"/> gives back with its buffers: one
/// allocation per row, the row's own bytes.
/// </summary>
internal sealed class ReportRowWriter
{
    [ThreadStatic]
    private static ReportRowWriter? cached;

    private readonly List<int> ends = new(20);
    private byte[] data = new byte[1024];
    private int length;

    /// <summary>
    /// The thread's writer, empty; a new one when it is taken (two writers alive on one thread: metrics before
    /// dimensions) or was never given back (a row that failed to parse).
    /// </summary>
    public static ReportRowWriter Rent()
    {
        var writer = cached ?? new ReportRowWriter();
        cached = null;
        writer.ends.Clear();
        writer.length = 0;
        return writer;
    }

    /// <summary>Room for <paramref name="maxBytes"/> more bytes; write them, then <see cref="Commit"/> how many were written.</summary>
    public Span<byte> Reserve(int maxBytes)
    {
        if (length + maxBytes > data.Length)
        {
            Array.Resize(ref data, Math.Max(data.Length * 2, length + maxBytes));
        }

        return data.AsSpan(length, maxBytes);
    }

    public void Commit(int written)
    {
        length += written;
        ends.Add(length);
    }

    public void AddNull() => ends.Add(~length);

    public void Add(ReadOnlySpan<byte> value)
    {
        value.CopyTo(Reserve(value.Length));
        Commit(value.Length);
    }

    public void Add(byte[]? value)
    {
        if (value is null)
        {
            AddNull();
        }
        else
        {
            Add(value.AsSpan());
        }
    }

    public byte[] ToArray()
    {
        var header = (1 + ends.Count) * sizeof(int);
        var row = new byte[header + length];
        BinaryPrimitives.WriteInt32LittleEndian(row, ends.Count);
        for (var i = 0; i < ends.Count; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(row.AsSpan((1 + i) * sizeof(int)), ends[i]);
        }

        data.AsSpan(0, length).CopyTo(row.AsSpan(header));
        cached = this; // done with: the next row reuses its buffers
        return row;
    }

    /// <summary>Gives the writer back unread (a row cut off by the end of a buffer is read again from its start).</summary>
    public void Abandon() => cached = this;
}
