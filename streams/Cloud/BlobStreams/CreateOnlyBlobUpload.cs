using System.Buffers;
using System.Globalization;
using System.Text;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace SensorStream.Streams.BlobStreams;

/// <summary>
/// A block blob written create-only while its bytes are produced: <see cref="Content"/> (a write-only stream) fills
/// pooled buffers of <see cref="BlockBytes"/>. A blob of at most <see cref="SinglePutBytes"/> goes up as one
/// create-only Put Blob once complete (one request). A larger one is streamed: as soon as more than
/// <see cref="SinglePutBytes"/> were written, every full buffer is staged as an uncommitted block, at most
/// <see cref="MaxInFlight"/> at a time, so the upload overlaps whatever writes the stream, and
/// <see cref="CompleteAsync"/> commits the block list with If-None-Match <c>*</c> — one atomic create, as a single Put
/// Blob is: nothing is visible before it, and a loser's commit fails 409/412 (<see cref="BlobConditions.LostRace"/>)
/// leaving the winner's blob as it is. Block ids are unique per upload, so two writers of the same name never commit
/// each other's blocks; staged blocks of an upload that never commits are dropped by the service (uncommitted blocks
/// expire after a week). Memory: at most <c>max(2 × SinglePutBytes, (MaxInFlight + 1) × BlockBytes)</c> of the blob's
/// bytes at once (40 MiB with the defaults: the held buffers and their copy as one body, or the blocks staging and
/// the one filling), whatever its size.
/// </summary>
public sealed class CreateOnlyBlobUpload : IAsyncDisposable
{
    /// <summary>
    /// Default block size: 8 MiB, with <see cref="DefaultMaxInFlight"/> the SDK's own parallel upload
    /// (<c>StorageTransferOptions</c> <c>MaximumTransferSize</c> 8 MiB, <c>MaximumConcurrency</c> 4). Was 4 MiB × 3:
    /// 120 MB of CSV took 0.7 s longer than the SDK's upload of the same bytes (#16, functions/README.md).
    /// </summary>
    public const int DefaultBlockBytes = 8 << 20;

    /// <summary>Default number of blocks staging at once: 4.</summary>
    public const int DefaultMaxInFlight = 4;

    /// <summary>Default size up to which a blob is one Put Blob: 8 MiB (as the SDK's upload did for the exporter's files).</summary>
    public const int DefaultSinglePutBytes = 8 << 20;

    private readonly BlockBlobClient _blob;
    private readonly BlobHttpHeaders? _headers;
    private readonly IDictionary<string, string>? _metadata;
    private readonly CancellationToken _ct;
    private readonly string _idPrefix = Guid.NewGuid().ToString("N");
    private readonly List<string> _blockIds = [];
    private readonly Queue<Task> _inFlight = new();

    /// <summary>Full buffers kept while the blob may still fit one Put Blob.</summary>
    private readonly List<byte[]> _held = [];
    private byte[]? _buffer;
    private int _filled;
    private long _written;
    private bool _streaming;
    private bool _completed;

    /// <param name="blob">The blob to create.</param>
    /// <param name="headers">Its content type etc.</param>
    /// <param name="metadata">Its metadata (set by the Put Blob or the commit).</param>
    /// <param name="blockBytes">Bytes per staged block.</param>
    /// <param name="maxInFlight">Blocks staging at once; a write that fills one more waits for the oldest.</param>
    /// <param name="singlePutBytes">Largest blob that goes up as one Put Blob (a multiple of <paramref name="blockBytes"/>).</param>
    /// <param name="ct">Cancels every request of the upload.</param>
    public CreateOnlyBlobUpload(BlockBlobClient blob, BlobHttpHeaders? headers, IDictionary<string, string>? metadata,
        int blockBytes = DefaultBlockBytes, int maxInFlight = DefaultMaxInFlight, int singlePutBytes = DefaultSinglePutBytes, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxInFlight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(singlePutBytes, blockBytes);
        if (singlePutBytes % blockBytes != 0) throw new ArgumentException("a multiple of the block size", nameof(singlePutBytes));
        _blob = blob;
        _headers = headers;
        _metadata = metadata;
        BlockBytes = blockBytes;
        MaxInFlight = maxInFlight;
        SinglePutBytes = singlePutBytes;
        _ct = ct;
        Content = new WriteStream(this);
    }

    public int BlockBytes { get; }

    public int MaxInFlight { get; }

    public int SinglePutBytes { get; }

    /// <summary>Where the blob's bytes are written (forward only; disposing it does nothing: <see cref="CompleteAsync"/> creates the blob).</summary>
    public Stream Content { get; }

    /// <summary>Bytes written so far.</summary>
    public long Length => _written;

    /// <summary>Blocks staged so far (0 for a blob that goes up as one Put Blob).</summary>
    public int BlocksStaged => _blockIds.Count;

    /// <summary>
    /// Creates the blob from everything written: one create-only Put Blob when it fits <see cref="SinglePutBytes"/>,
    /// else the rest staged and the block list committed create-only. Throws the service's 409/412 when the blob
    /// already exists.
    /// </summary>
    public async Task CompleteAsync()
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (!_streaming)
        {
            _completed = true;
            // At most SinglePutBytes: the held buffers and the current one, as one body.
            var body = ArrayPool<byte>.Shared.Rent((int)Math.Max(1, _written));
            try
            {
                var at = 0;
                foreach (var held in _held)
                {
                    held.AsSpan(0, BlockBytes).CopyTo(body.AsSpan(at));
                    at += BlockBytes;
                }
                if (_buffer is { } current) current.AsSpan(0, _filled).CopyTo(body.AsSpan(at));
                using var content = new MemoryStream(body, 0, (int)_written, writable: false);
                await _blob.UploadAsync(content, new BlobUploadOptions
                {
                    Conditions = BlobConditions.CreateOnly,
                    HttpHeaders = _headers,
                    Metadata = _metadata,
                }, _ct).ConfigureAwait(false);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(body);
            }
            return;
        }
        if (_filled > 0) await StageAsync(TakeCurrent()).ConfigureAwait(false);
        _completed = true;
        while (_inFlight.TryDequeue(out var staging)) await staging.ConfigureAwait(false);
        await _blob.CommitBlockListAsync(_blockIds, new CommitBlockListOptions
        {
            Conditions = BlobConditions.CreateOnly,
            HttpHeaders = _headers,
            Metadata = _metadata,
        }, _ct).ConfigureAwait(false);
    }

    /// <summary>Waits for the blocks still staging (their outcome no longer matters) and returns the buffers.</summary>
    public async ValueTask DisposeAsync()
    {
        _completed = true;
        while (_inFlight.TryDequeue(out var staging))
        {
            try
            {
                await staging.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The upload failed or was abandoned: nothing of it is visible (no commit), the blocks expire.
            }
        }
        foreach (var held in _held) ArrayPool<byte>.Shared.Return(held);
        _held.Clear();
        if (_buffer is { } buffer) ArrayPool<byte>.Shared.Return(buffer);
        _buffer = null;
    }

    /// <summary>Copies what fits of <paramref name="bytes"/> into the current buffer; returns how much.</summary>
    private int Append(ReadOnlySpan<byte> bytes)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        var buffer = _buffer ??= ArrayPool<byte>.Shared.Rent(BlockBytes);
        var n = Math.Min(bytes.Length, BlockBytes - _filled);
        bytes[..n].CopyTo(buffer.AsSpan(_filled));
        _filled += n;
        _written += n;
        return n;
    }

    private async ValueTask WriteAsync(ReadOnlyMemory<byte> bytes)
    {
        // A full buffer moves on only once more bytes come, so a blob of exactly SinglePutBytes stays one Put Blob.
        while (bytes.Length > 0)
        {
            if (_filled == BlockBytes) await RotateAsync().ConfigureAwait(false);
            bytes = bytes[Append(bytes.Span)..];
        }
    }

    /// <summary>Synchronous writers (rare) wait here for a staging slot when a buffer fills.</summary>
    private void Write(ReadOnlySpan<byte> bytes)
    {
        while (bytes.Length > 0)
        {
            if (_filled == BlockBytes) RotateAsync().AsTask().GetAwaiter().GetResult();
            bytes = bytes[Append(bytes)..];
        }
    }

    /// <summary>
    /// The current buffer is full and more bytes come: held while the blob may still be one Put Blob; once past
    /// <see cref="SinglePutBytes"/>, the held buffers and every full one after them are staged.
    /// </summary>
    private async ValueTask RotateAsync()
    {
        _held.Add(TakeCurrent().Buffer);
        if (!_streaming && _written < SinglePutBytes) return;
        _streaming = true;
        foreach (var held in _held.ToList())
        {
            _held.Remove(held);
            await StageAsync((held, BlockBytes)).ConfigureAwait(false);
        }
    }

    private (byte[] Buffer, int Length) TakeCurrent()
    {
        var current = (_buffer!, _filled);
        _buffer = null;
        _filled = 0;
        return current;
    }

    /// <summary>Stages a buffer as the next block (after the oldest staging one when <see cref="MaxInFlight"/> are); it goes back to the pool once staged.</summary>
    private async ValueTask StageAsync((byte[] Buffer, int Length) block)
    {
        if (_inFlight.Count >= MaxInFlight)
        {
            try
            {
                await _inFlight.Dequeue().ConfigureAwait(false);
            }
            catch
            {
                ArrayPool<byte>.Shared.Return(block.Buffer);
                throw;
            }
        }
        // Fixed length per upload (the service wants every block id of a blob the same length), unique per upload.
        var id = Convert.ToBase64String(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{_idPrefix}-{_blockIds.Count:D6}")));
        _blockIds.Add(id);
        _inFlight.Enqueue(StageBlockAsync(id, block.Buffer, block.Length));
    }

    private async Task StageBlockAsync(string id, byte[] buffer, int length)
    {
        try
        {
            using var block = new MemoryStream(buffer, 0, length, writable: false);
            await _blob.StageBlockAsync(id, block, new BlockBlobStageBlockOptions(), _ct).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The write side: forward only, <see cref="Position"/> = bytes written; Flush does not stage a partial block.</summary>
    private sealed class WriteStream(CreateOnlyBlobUpload upload) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => upload._written;

        public override long Position
        {
            get => upload._written;
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer) => upload.Write(buffer);

        public override void WriteByte(byte value) => Write([value]);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            upload.WriteAsync(buffer.AsMemory(offset, count)).AsTask();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => upload.WriteAsync(buffer);

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
