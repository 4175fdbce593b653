namespace Pipeline.Sandbox.Hosting;

/// <summary>
/// Copies the body of every report response the sandbox sends with 200 (GA4 <c>:runReport</c>, Meta
/// <c>/insights</c>) to a numbered file, as it is written (<see cref="SandboxOptions.RecordReportBodiesTo"/>). The
/// benchmarks' floor parses exactly the bytes the pipeline read, and the copy is the sandbox's work, not the measured
/// pipeline's: the files hold the bytes sent, which a client that read the whole body also read.
/// </summary>
internal static class ReportBodyRecorder
{
    public static void Use(WebApplication app, string folder)
    {
        Directory.CreateDirectory(folder);
        var sequence = 0;
        app.Use(async (ctx, next) =>
        {
            var path = ctx.Request.Path.Value ?? "";
            if (!path.Contains(":runReport", StringComparison.Ordinal) && !path.EndsWith("/insights", StringComparison.Ordinal))
            {
                await next(ctx);
                return;
            }

            var file = Path.Combine(folder, Interlocked.Increment(ref sequence).ToString("D6", System.Globalization.CultureInfo.InvariantCulture) + ".json");
            var original = ctx.Response.Body;
            var recorded = false;
            await using (var copy = new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: false))
            {
                ctx.Response.Body = new CopyingStream(original, copy);
                try
                {
                    await next(ctx);
                    recorded = ctx.Response.StatusCode == StatusCodes.Status200OK;
                }
                finally
                {
                    ctx.Response.Body = original;
                }
            }

            if (!recorded)
            {
                File.Delete(file); // an error or a throttle: no report rows
            }
        });
    }

    /// <summary>Writes to the response and to the copy; everything else is the response's.</summary>
    private sealed class CopyingStream(Stream response, Stream copy) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            copy.Write(buffer);
            response.Write(buffer);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            copy.Write(buffer.Span);
            await response.WriteAsync(buffer, cancellationToken);
        }

        public override void Flush() => response.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => response.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
