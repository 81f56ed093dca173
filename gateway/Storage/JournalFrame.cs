using System.Buffers.Binary;
using SensorStream.Gateway.Transactions;

namespace SensorStream.Gateway.Storage;

/// <summary>
/// What a journal frame holds: one transaction event (<see cref="KeyedData"/>; <see cref="Data"/> in journals written
/// before streams could scale), one group-commit decision, one abort, one event of a write request still being received
/// (<see cref="StagedData"/>, under the request's own stage id), or the adoption of a whole staged request into its
/// transaction (<see cref="Adopt"/>, written once the request ended well). Staged events without an adoption belong to
/// no transaction and are never visible. This build writes events in batches, one frame per write (or per 4 MiB of it):
/// <see cref="KeyedBatch"/> under the transaction, <see cref="StagedBatch"/> under a stage id; single-event frames of
/// earlier builds are still read.
/// </summary>
public enum JournalFrameKind : byte { Data = 1, Commit = 2, Abort = 3, KeyedData = 4, StagedData = 5, Adopt = 6, KeyedBatch = 7, StagedBatch = 8 }

/// <summary>
/// Payloads of the stream journal's frames. Keyed data: <c>[u8 4][16-byte txn id][u32 routing-key hash][event]</c> —
/// the segment is chosen when the transaction commits, in the epoch current then (a scale may come between); older
/// data: <c>[u8 1][16-byte txn id][i32 segment][event]</c>; commit: <c>[u8 kind][CommitEntry]</c>; abort:
/// <c>[u8 kind][16-byte txn id]</c>; staged data: <c>[u8 5][16-byte stage id][u32 routing-key hash][event]</c>; adopt:
/// <c>[u8 6][16-byte txn id][16-byte stage id]</c>; batches: <c>[u8 7 or 8][16-byte txn or stage id][u32 count]</c>
/// then per event <c>[u32 routing-key hash][u32 length][event]</c> — one header and one CRC for all of them. Transaction ids are our own GUIDs ("N" form), so 16 bytes hold them exactly.
/// Frames are written in <see cref="Format"/> (journal files of version 2, <see cref="JournalFileHeader"/>); files of
/// version 1 hold the same payloads in <see cref="FrameFormat.Record"/> frames.
/// </summary>
public static class JournalFrame
{
    /// <summary>The framing this build writes journal frames in.</summary>
    public static readonly FrameFormat Format = FrameFormat.CheckedHeader;

    public const int IdSize = 16;
    public const int DataHeaderSize = 1 + IdSize + 4;

    /// <summary>Bytes before an event's first byte inside its data frame.</summary>
    public static readonly int DataOverhead = Format.HeaderSize + DataHeaderSize;

    public static int DataFrameSize(int eventLength) => DataOverhead + eventLength;

    /// <summary>Encodes a data frame into <paramref name="destination"/> (exactly <see cref="DataFrameSize"/> bytes).</summary>
    public static void EncodeData(Span<byte> destination, Guid txn, uint keyHash, ReadOnlySpan<byte> evt) =>
        EncodeData(destination, JournalFrameKind.KeyedData, txn, keyHash, evt);

    /// <summary>Encodes a staged data frame: an event of a write request not yet adopted by its transaction.</summary>
    public static void EncodeStagedData(Span<byte> destination, Guid stage, uint keyHash, ReadOnlySpan<byte> evt) =>
        EncodeData(destination, JournalFrameKind.StagedData, stage, keyHash, evt);

    /// <summary>Bytes of a batch frame before its first entry (frame header, kind, id, count).</summary>
    public static readonly int BatchOverhead = Format.HeaderSize + 1 + IdSize + 4;

    /// <summary>Bytes of an entry's own header in a batch frame (key hash, length).</summary>
    public const int BatchEntryHeaderSize = 8;

    /// <summary>
    /// Most bytes between the end of one event and the start of the next of the same write in the journal (the next
    /// entry's header, or the next single-event frame's): runs of events closer than this are read with one pread.
    /// </summary>
    public static readonly int MaxEventGap = Math.Max(DataOverhead, BatchOverhead + BatchEntryHeaderSize);

    /// <summary>Bytes one event takes in a batch frame.</summary>
    public static int BatchEntrySize(int eventLength) => BatchEntryHeaderSize + eventLength;

    /// <summary>Writes one batch entry at the start of <paramref name="destination"/>; returns its size. The event starts <see cref="BatchEntryHeaderSize"/> in.</summary>
    public static int WriteBatchEntry(Span<byte> destination, uint keyHash, ReadOnlySpan<byte> evt)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, keyHash);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], (uint)evt.Length);
        evt.CopyTo(destination[BatchEntryHeaderSize..]);
        return BatchEntrySize(evt.Length);
    }

    /// <summary>
    /// Completes a batch frame whose <paramref name="count"/> entries are already in <paramref name="frame"/> from
    /// <see cref="BatchOverhead"/> on: writes kind, id, count and the frame header (CRC over all of it).
    /// </summary>
    public static void FinishBatch(Span<byte> frame, bool staged, Guid id, int count)
    {
        var payload = frame[Format.HeaderSize..];
        payload[0] = (byte)(staged ? JournalFrameKind.StagedBatch : JournalFrameKind.KeyedBatch);
        id.TryWriteBytes(payload.Slice(1, IdSize));
        BinaryPrimitives.WriteInt32LittleEndian(payload[(1 + IdSize)..], count);
        Format.WriteHeader(frame, payload);
    }

    /// <summary>
    /// Adds where each event of a batch frame lies (its payload starts at journal position <paramref name="payloadPosition"/>)
    /// and its key hash to <paramref name="into"/>; an entry that runs past the payload is <see cref="InvalidDataException"/>.
    /// </summary>
    public static void EventsOfBatch(ReadOnlySpan<byte> payload, long payloadPosition, List<TransactionEventRef> into)
    {
        var count = BinaryPrimitives.ReadInt32LittleEndian(payload[(1 + IdSize)..]);
        var at = 1 + IdSize + 4;
        for (var i = 0; i < count; i++)
        {
            if (payload.Length - at < BatchEntryHeaderSize) throw new InvalidDataException($"batch frame entry {i} of {count} runs past its payload");
            var keyHash = BinaryPrimitives.ReadUInt32LittleEndian(payload[at..]);
            var length = BinaryPrimitives.ReadUInt32LittleEndian(payload[(at + 4)..]);
            if (length > payload.Length - at - BatchEntryHeaderSize) throw new InvalidDataException($"batch frame entry {i} of {count} runs past its payload");
            into.Add(new TransactionEventRef(payloadPosition + at + BatchEntryHeaderSize, (int)length, keyHash));
            at += BatchEntryHeaderSize + (int)length;
        }
        if (at != payload.Length) throw new InvalidDataException($"batch frame holds {payload.Length - at} byte(s) after its {count} entries");
    }

    /// <summary>Encodes an older data frame (a fixed segment of epoch 0): only the upgrade of the older layout writes them.</summary>
    public static void EncodeFixedSegmentData(Span<byte> destination, Guid txn, int segment, ReadOnlySpan<byte> evt) =>
        EncodeData(destination, JournalFrameKind.Data, txn, (uint)segment, evt);

    private static void EncodeData(Span<byte> destination, JournalFrameKind kind, Guid txn, uint route, ReadOnlySpan<byte> evt)
    {
        var payload = destination.Slice(Format.HeaderSize, DataHeaderSize + evt.Length);
        payload[0] = (byte)kind;
        txn.TryWriteBytes(payload.Slice(1, IdSize));
        BinaryPrimitives.WriteUInt32LittleEndian(payload[(1 + IdSize)..], route);
        evt.CopyTo(payload[DataHeaderSize..]);
        Format.WriteHeader(destination, payload);
    }

    public static byte[] EncodeCommit(CommitEntry entry) => Frame(JournalFrameKind.Commit, entry.Encode());

    public static byte[] EncodeAbort(Guid txn) => Frame(JournalFrameKind.Abort, txn.ToByteArray());

    /// <summary>Encodes the adoption of every event staged under <paramref name="stage"/> into <paramref name="txn"/>.</summary>
    public static byte[] EncodeAdopt(Guid txn, Guid stage) => Frame(JournalFrameKind.Adopt, [.. txn.ToByteArray(), .. stage.ToByteArray()]);

    /// <summary>The stage id of an adopt frame (its transaction is <see cref="TxnOf"/>).</summary>
    public static Guid StageOf(ReadOnlySpan<byte> payload) => new(payload.Slice(1 + IdSize, IdSize));

    public static JournalFrameKind KindOf(ReadOnlySpan<byte> payload) =>
        payload.Length > 0 && payload[0] is >= 1 and <= 8
            ? (JournalFrameKind)payload[0]
            : throw new InvalidDataException($"journal frame of unknown kind {(payload.Length > 0 ? payload[0] : -1)}");

    public static Guid TxnOf(ReadOnlySpan<byte> payload) => new(payload.Slice(1, IdSize));

    /// <summary>The segment of an older data frame, or the key hash of a keyed one (same place, 4 bytes).</summary>
    public static int SegmentOf(ReadOnlySpan<byte> payload) => BinaryPrimitives.ReadInt32LittleEndian(payload[(1 + IdSize)..]);

    public static uint KeyHashOf(ReadOnlySpan<byte> payload) => BinaryPrimitives.ReadUInt32LittleEndian(payload[(1 + IdSize)..]);

    /// <summary>
    /// Where a data frame's event lies (its payload starts at journal position <paramref name="payloadPosition"/>) and
    /// where it goes: a key hash (keyed frames), or a fixed epoch-0 segment (older frames).
    /// </summary>
    public static TransactionEventRef EventOf(ReadOnlySpan<byte> payload, long payloadPosition) =>
        new(payloadPosition + DataHeaderSize, payload.Length - DataHeaderSize,
            KindOf(payload) == JournalFrameKind.Data ? 0 : KeyHashOf(payload),
            KindOf(payload) == JournalFrameKind.Data ? SegmentOf(payload) : -1);

    public static CommitEntry CommitOf(ReadOnlySpan<byte> payload) => CommitEntry.Decode(payload[1..]);

    /// <summary>The store's id text of a GUID (and back): what clients see.</summary>
    public static string IdText(Guid id) => id.ToString("N");

    public static Guid IdOf(string id) =>
        Guid.TryParseExact(id, "N", out var guid) ? guid : throw new InvalidDataException($"transaction id {id} is not one this store issues");

    private static byte[] Frame(JournalFrameKind kind, ReadOnlySpan<byte> body)
    {
        var frame = new byte[Format.Size(1 + body.Length)];
        frame[Format.HeaderSize] = (byte)kind;
        body.CopyTo(frame.AsSpan(Format.HeaderSize + 1));
        Format.WriteHeader(frame, frame.AsSpan(Format.HeaderSize));
        return frame;
    }
}
