using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Pipeline.Connectors.Files;

/// <summary>
/// Opens a CSV file as UTF-8 text (with or without a byte order mark) while hashing every byte read, so the reader
/// can check that the file it parsed is the one whose SHA-256 it recorded. Other encodings are refused, not guessed.
/// </summary>
internal sealed class CsvFile : IAsyncDisposable
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly HashingStream hashing;

    private CsvFile(HashingStream hashing, StreamReader text)
    {
        this.hashing = hashing;
        Text = text;
    }

    public TextReader Text { get; }

    public static FileStream OpenRead(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.SequentialScan | FileOptions.Asynchronous);

    /// <summary>The SHA-256 of the file's bytes, lower-case hex, read in one streaming pass.</summary>
    public static async Task<string> Sha256Async(string path, CancellationToken cancellationToken)
    {
        await using var stream = OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }

    /// <exception cref="CsvFormatException">The file is UTF-16 or UTF-32 (by its byte order mark or its zero bytes).</exception>
    public static async Task<CsvFile> OpenAsync(string path, CancellationToken cancellationToken)
    {
        var stream = OpenRead(path);
        try
        {
            var head = new byte[4];
            var n = 0;
            while (n < head.Length && await stream.ReadAsync(head.AsMemory(n), cancellationToken) is var r and > 0)
            {
                n += r;
            }

            var bom = Bom(head.AsSpan(0, n));
            stream.Position = 0;
            var hashing = new HashingStream(stream);
            if (bom > 0)
            {
                await hashing.ReadExactlyAsync(new byte[bom], cancellationToken);
            }

            var text = new StreamReader(hashing, StrictUtf8, detectEncodingFromByteOrderMarks: false, bufferSize: 64 * 1024, leaveOpen: false);
            return new CsvFile(hashing, text);
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    /// <summary>Length of a UTF-8 byte order mark to skip (0 or 3); throws for the marks of other encodings.</summary>
    private static int Bom(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return 3;
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0x00, 0x00]) || head.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]))
        {
            throw new CsvFormatException("the file is UTF-32 encoded (by its byte order mark); save it as UTF-8");
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            throw new CsvFormatException("the file is UTF-16 encoded (by its byte order mark); save it as UTF-8");
        }

        if (head.Contains((byte)0))
        {
            throw new CsvFormatException("the file starts with zero bytes, as UTF-16 or UTF-32 text without a byte order mark does; save it as UTF-8");
        }

        return 0;
    }

    /// <summary>
    /// The SHA-256 of every byte read so far, after reading whatever the text reader left. Equal to the hash taken
    /// before parsing unless the file changed in between.
    /// </summary>
    public async Task<string> FinishHashAsync(CancellationToken cancellationToken)
    {
        var rest = new byte[64 * 1024];
        while (await hashing.ReadAsync(rest, cancellationToken) > 0)
        {
        }

        return hashing.Hash();
    }

    public static string DescribeDecoderError(long line) =>
        string.Create(CultureInfo.InvariantCulture, $"the file is not valid UTF-8 (near line {line}); save it as UTF-8 (other encodings such as Windows-1252 or Latin-1 are not read)");

    public ValueTask DisposeAsync()
    {
        Text.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>A read-only pass-through that hashes the bytes it hands out.</summary>
    private sealed class HashingStream(Stream inner) : Stream
    {
        private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => inner.Length;

        public override long Position
        {
            get => inner.Position;
            set => throw new NotSupportedException();
        }

        public string Hash() => Convert.ToHexStringLower(hash.GetCurrentHash());

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = inner.Read(buffer, offset, count);
            hash.AppendData(buffer, offset, n);
            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await inner.ReadAsync(buffer, cancellationToken);
            hash.AppendData(buffer.Span[..n]);
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                hash.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
