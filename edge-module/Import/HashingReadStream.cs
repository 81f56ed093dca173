using System.IO.Hashing;

namespace SensorStream.EdgeModule.Import;

/// <summary>
/// A read-only view of the first <c>length</c> bytes of a stream that hashes (XxHash128) every byte read through it,
/// so that the bytes an import consumed can be compared with the bytes the file's identity was taken from.
/// </summary>
internal sealed class HashingReadStream(Stream inner, long length) : Stream
{
    private readonly XxHash128 _hash = new();
    private long _position;

    /// <summary>Bytes read so far.</summary>
    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    /// <summary>XxHash128 of the bytes read so far, 32 lowercase hex digits.</summary>
    public string Hash() => Convert.ToHexStringLower(_hash.GetCurrentHash());

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer[..(int)Math.Min(buffer.Length, length - _position)]);
        _hash.Append(buffer[..n]);
        _position += n;
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => length;
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
