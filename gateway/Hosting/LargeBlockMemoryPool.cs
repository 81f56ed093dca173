using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Connections;

namespace SensorStream.Gateway.Hosting;

/// <summary>
/// Kestrel's memory pool (registered as its <see cref="IMemoryPoolFactory{T}"/>) with blocks of
/// <see cref="BlockBytes"/> instead of Kestrel's 4 KiB. The socket transport receives into one block at a time, so a
/// 100 KiB write request took 25 receive calls, each after its own readiness wait; with 64 KiB blocks it takes a few.
/// Blocks are pinned arrays (socket I/O pins nothing per call). At most <see cref="MaxPooledBlocks"/> returned blocks
/// are kept, the rest go to the garbage collector, and a rent larger than a block gets an array of its own. The block
/// size changes no bound: what a connection or a request holds is counted in bytes by Kestrel (the transport's 1 MiB
/// read buffer limit, HTTP/2's flow-control windows: 768 KiB per stream, 1 MiB per connection) and by the gateway
/// (<c>--max-buffered-bytes</c>), all above a block; a small request now holds one 64 KiB block instead of one 4 KiB
/// block while it is buffered, and a connection waiting for data holds none (Kestrel's
/// <c>WaitForDataBeforeAllocatingBuffer</c>, left on).
/// </summary>
public sealed class LargeBlockMemoryPool(int blockBytes, int maxPooledBlocks) : MemoryPool<byte>
{
    /// <summary>The gateway's block size: 64 KiB.</summary>
    public const int DefaultBlockBytes = 64 * 1024;

    /// <summary>Returned blocks the gateway keeps (1024 × 64 KiB = 64 MiB at most, only after that many were in use at once).</summary>
    public const int DefaultMaxPooledBlocks = 1024;

    private readonly ConcurrentQueue<byte[]> _free = new();
    private int _freeCount;
    private long _created;

    /// <summary>Bytes per block.</summary>
    public int BlockBytes => blockBytes;

    /// <summary>Most returned blocks kept for reuse.</summary>
    public int MaxPooledBlocks => maxPooledBlocks;

    /// <summary>Blocks kept for reuse right now (at most <see cref="MaxPooledBlocks"/>).</summary>
    public int Pooled => Volatile.Read(ref _freeCount);

    /// <summary>Arrays allocated so far (pooled blocks and larger one-off rents).</summary>
    public long Created => Interlocked.Read(ref _created);

    /// <inheritdoc/>
    public override int MaxBufferSize => blockBytes;

    /// <summary>A block of <see cref="BlockBytes"/>, or an unpooled array of <paramref name="minBufferSize"/> when that is larger.</summary>
    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        if (minBufferSize > blockBytes) return new Block(this, Allocate(minBufferSize), pooled: false);
        if (_free.TryDequeue(out var array))
        {
            Interlocked.Decrement(ref _freeCount);
            return new Block(this, array, pooled: true);
        }
        return new Block(this, Allocate(blockBytes), pooled: true);
    }

    private byte[] Allocate(int bytes)
    {
        Interlocked.Increment(ref _created);
        return GC.AllocateUninitializedArray<byte>(bytes, pinned: true);
    }

    private void Return(byte[] array)
    {
        if (Interlocked.Increment(ref _freeCount) > maxPooledBlocks)
        {
            Interlocked.Decrement(ref _freeCount);
            return;
        }
        _free.Enqueue(array);
    }

    /// <summary>Drops the blocks kept for reuse.</summary>
    protected override void Dispose(bool disposing)
    {
        while (_free.TryDequeue(out _)) Interlocked.Decrement(ref _freeCount);
    }

    private sealed class Block(LargeBlockMemoryPool pool, byte[] array, bool pooled) : IMemoryOwner<byte>
    {
        private byte[]? _array = array;

        public Memory<byte> Memory { get; } = MemoryMarshal.CreateFromPinnedArray(array, 0, array.Length);

        /// <summary>Gives the block back (once; a second dispose does nothing).</summary>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _array, null) is { } returned && pooled) pool.Return(returned);
        }
    }

    /// <summary>Hands Kestrel views of one shared <see cref="Pool"/>.</summary>
    public sealed class Factory(int blockBytes = DefaultBlockBytes, int maxPooledBlocks = DefaultMaxPooledBlocks) : IMemoryPoolFactory<byte>
    {
        /// <summary>The pool every view rents from.</summary>
        public LargeBlockMemoryPool Pool { get; } = new(blockBytes, maxPooledBlocks);

        /// <inheritdoc/>
        public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new SharedView(Pool);
    }

    /// <summary>A view of the shared pool: Kestrel disposes the pools it created, which must leave the shared one usable.</summary>
    private sealed class SharedView(LargeBlockMemoryPool pool) : MemoryPool<byte>
    {
        public override int MaxBufferSize => pool.MaxBufferSize;
        public override IMemoryOwner<byte> Rent(int minBufferSize = -1) => pool.Rent(minBufferSize);
        protected override void Dispose(bool disposing) { }
    }
}
