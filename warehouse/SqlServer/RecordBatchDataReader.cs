using System.Collections;
using System.Data.Common;
using System.Globalization;
using Pipeline.Connectors.Streams;

namespace Pipeline.Warehouse.SqlServer;

/// <summary>
/// Presents a stream's record batches to SqlBulkCopy as rows of the session load table, pulling the next batch only
/// when the rows before it have been sent: nothing holds a whole report. Each row is <c>_seq</c> (arrival order, so
/// the last record of a key wins), the stream's fields, and <c>_reject_reason</c>/<c>_reject_payload</c>: a record
/// that cannot be loaded (a connector reject, or one the check refuses) travels as a row with only those two set,
/// so rejects need no buffer either.
/// </summary>
internal sealed class RecordBatchDataReader : DbDataReader
{
    public const string SeqColumn = "_seq";
    public const string RejectReasonColumn = "_reject_reason";
    public const string RejectPayloadColumn = "_reject_payload";

    /// <summary>Length of the reason column; longer reasons are cut (they are messages, not data).</summary>
    public const int ReasonLength = 4000;

    private readonly StreamDescriptor stream;
    private readonly Func<object?[], string?> check;
    private readonly IAsyncEnumerator<RecordBatch> batches;
    private readonly string[] names;
    private readonly Type[] types;
    private readonly Dictionary<string, int> ordinals;
    private readonly object[] current;
    private RecordBatch? batch;
    private int rejectIndex;
    private int rowIndex;
    private long seq;
    private bool closed;

    /// <param name="check">Why a row cannot be loaded, or null when it can.</param>
    public RecordBatchDataReader(StreamDescriptor stream, IAsyncEnumerable<RecordBatch> batches, Func<object?[], string?> check, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(batches);
        this.stream = stream;
        this.check = check ?? throw new ArgumentNullException(nameof(check));
        this.batches = batches.GetAsyncEnumerator(cancellationToken);
        names = [SeqColumn, .. stream.Fields.Select(f => f.Name), RejectReasonColumn, RejectPayloadColumn];
        types = [typeof(long), .. stream.Fields.Select(f => f.Type == FieldType.Date ? typeof(DateTime) : f.Type.ClrType()), typeof(string), typeof(string)];
        ordinals = names.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => x.i, StringComparer.Ordinal);
        current = new object[names.Length];
    }

    /// <summary>Records received: rows and connector rejects.</summary>
    public long RowsRead { get; private set; }

    /// <summary>Records sent as rejects (connector rejects and rows the check refused).</summary>
    public long Rejected { get; private set; }

    /// <summary>Batches received; zero means the source yielded nothing at all.</summary>
    public long Batches { get; private set; }

    /// <summary>What the source threw while it was read, if it threw.</summary>
    public Exception? SourceException { get; private set; }

    public override int FieldCount => names.Length;

    public override bool HasRows => true;

    public override bool IsClosed => closed;

    public override int RecordsAffected => -1;

    public override int Depth => 0;

    public override object this[int ordinal] => GetValue(ordinal);

    public override object this[string name] => GetValue(GetOrdinal(name));

    public override async Task<bool> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (batch is not null)
            {
                if (rejectIndex < batch.Rejects.Count)
                {
                    var reject = batch.Rejects[rejectIndex++];
                    RowsRead++;
                    SetReject(reject.Reason, reject.Payload);
                    return true;
                }

                if (rowIndex < batch.Rows.Count)
                {
                    var row = batch.Rows[rowIndex++];
                    RowsRead++;
                    if (check(row) is { } problem)
                    {
                        SetReject(problem, StagingRows.Payload(stream, row));
                    }
                    else
                    {
                        SetRow(row);
                    }

                    return true;
                }
            }

            bool more;
            try
            {
                more = !closed && await batches.MoveNextAsync();
            }
            catch (Exception ex)
            {
                // SqlBulkCopy may wrap what its source throws; the loader rethrows this one as it was.
                SourceException = ex;
                throw;
            }

            if (!more)
            {
                batch = null;
                return false;
            }

            batch = batches.Current;
            Batches++;
            rejectIndex = 0;
            rowIndex = 0;
        }
    }

    // SqlBulkCopy reads asynchronously from WriteToServerAsync; this is only the synchronous fallback.
    public override bool Read() => ReadAsync(CancellationToken.None).GetAwaiter().GetResult();

    public override bool NextResult() => false;

    public override string GetName(int ordinal) => names[ordinal];

    public override int GetOrdinal(string name) =>
        ordinals.TryGetValue(name, out var ordinal) ? ordinal : throw new IndexOutOfRangeException($"no column '{name}'");

    public override Type GetFieldType(int ordinal) => types[ordinal];

    public override string GetDataTypeName(int ordinal) => types[ordinal].Name;

    public override object GetValue(int ordinal) => current[ordinal];

    public override int GetValues(object[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var n = Math.Min(values.Length, current.Length);
        Array.Copy(current, values, n);
        return n;
    }

    public override bool IsDBNull(int ordinal) => current[ordinal] is DBNull;

    public override bool GetBoolean(int ordinal) => (bool)current[ordinal];

    public override byte GetByte(int ordinal) => Convert.ToByte(current[ordinal], CultureInfo.InvariantCulture);

    public override long GetBytes(int ordinal, long dataOffset, byte[]? buffer, int bufferOffset, int length) =>
        throw new NotSupportedException("the load table has no binary columns");

    public override char GetChar(int ordinal) => ((string)current[ordinal])[0];

    public override long GetChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length)
    {
        var text = (string)current[ordinal];
        if (buffer is null)
        {
            return text.Length;
        }

        var count = (int)Math.Max(0, Math.Min(length, text.Length - dataOffset));
        text.CopyTo((int)dataOffset, buffer, bufferOffset, count);
        return count;
    }

    public override DateTime GetDateTime(int ordinal) => (DateTime)current[ordinal];

    public override decimal GetDecimal(int ordinal) => (decimal)current[ordinal];

    public override double GetDouble(int ordinal) => (double)current[ordinal];

    public override float GetFloat(int ordinal) => (float)(double)current[ordinal];

    public override Guid GetGuid(int ordinal) => throw new NotSupportedException("the load table has no uniqueidentifier columns");

    public override short GetInt16(int ordinal) => Convert.ToInt16(current[ordinal], CultureInfo.InvariantCulture);

    public override int GetInt32(int ordinal) => Convert.ToInt32(current[ordinal], CultureInfo.InvariantCulture);

    public override long GetInt64(int ordinal) => (long)current[ordinal];

    public override string GetString(int ordinal) => (string)current[ordinal];

    public override IEnumerator GetEnumerator() => new DbEnumerator(this, closeReader: false);

    public override async ValueTask DisposeAsync()
    {
        if (!closed)
        {
            closed = true;
            await batches.DisposeAsync();
        }

        await base.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !closed)
        {
            closed = true;
            batches.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        base.Dispose(disposing);
    }

    private void SetRow(object?[] row)
    {
        current[0] = seq++;
        for (var i = 0; i < stream.Fields.Count; i++)
        {
            current[i + 1] = row[i] switch
            {
                null => DBNull.Value,
                DateOnly day => day.ToDateTime(TimeOnly.MinValue),
                // decimal(38, 9), rounded as DuckDB's DECIMAL(38,9) rounds (half away from zero).
                decimal amount => Math.Round(amount, 9, MidpointRounding.AwayFromZero),
                var value => value,
            };
        }

        current[^2] = DBNull.Value;
        current[^1] = DBNull.Value;
    }

    private void SetReject(string reason, string? payload)
    {
        Rejected++;
        current[0] = seq++;
        for (var i = 1; i < current.Length - 2; i++)
        {
            current[i] = DBNull.Value;
        }

        current[^2] = reason.Length > ReasonLength ? reason[..ReasonLength] : reason;
        current[^1] = (object?)payload ?? DBNull.Value;
    }
}
