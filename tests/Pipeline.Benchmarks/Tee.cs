using System.Net;

namespace Pipeline.Benchmarks;

/// <summary>
/// Copies the body of every report response (GA4 runReport, Meta insights) to a file while the connector streams
/// it, so the floor can parse exactly the bytes the pipeline read. Costs one sequential file write per response.
/// </summary>
internal sealed class TeeHandler(string folder) : DelegatingHandler
{
    private static int sequence;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var path = request.RequestUri?.AbsolutePath ?? "";
        if (response.StatusCode == HttpStatusCode.OK && (path.Contains(":runReport", StringComparison.Ordinal) || path.EndsWith("/insights", StringComparison.Ordinal)))
        {
            var file = Path.Combine(folder, Interlocked.Increment(ref sequence).ToString("D6", System.Globalization.CultureInfo.InvariantCulture) + ".json");
            response.Content = new TeeContent(response.Content, file);
        }

        return response;
    }

    private sealed class TeeContent : HttpContent
    {
        private readonly HttpContent inner;
        private readonly string file;

        public TeeContent(HttpContent inner, string file)
        {
            this.inner = inner;
            this.file = file;
            foreach (var header in inner.Headers)
            {
                Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await using var source = await CreateContentReadStreamAsync();
            await source.CopyToAsync(stream);
        }

        protected override async Task<Stream> CreateContentReadStreamAsync() =>
            new TeeStream(await inner.ReadAsStreamAsync(), new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16));

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    private sealed class TeeStream(Stream inner, FileStream copy) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = inner.Read(buffer, offset, count);
            copy.Write(buffer, offset, n);
            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await inner.ReadAsync(buffer, cancellationToken);
            copy.Write(buffer.Span[..n]);
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush() { }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                copy.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
