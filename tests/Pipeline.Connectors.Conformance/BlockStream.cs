namespace Pipeline.Connectors.Conformance;

/// <summary>
/// A response body that arrives at most <c>block</c> bytes per read, as a socket may deliver it: row readers must
/// give the same rows wherever a read ends.
/// </summary>
public sealed class BlockStream(byte[] bytes, int block) : MemoryStream(bytes)
{
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        base.ReadAsync(buffer[..Math.Min(buffer.Length, block)], cancellationToken);
}
