using System.Globalization;
using Google.Protobuf;
using SensorStream.EdgeModule.Queue;
using SensorStream.Streams.Protocol;

namespace SensorStream.EdgeModule.Transactions;

/// <summary>
/// What the public-protocol coordinator records with a pending range instead of a transaction id: the stream's tail
/// cut taken just before the range's write, and when it was recorded. It lives in the pending row's id column as
/// <c>cut:&lt;unix ms&gt;:&lt;base64 of the StreamCut protobuf&gt;</c> (the cut's text is opaque to us), so the range and its
/// cut are recorded in the queue's one SQL transaction and told apart from explicit transaction ids (32 hex digits).
/// </summary>
public sealed record RecordedCut(StreamCut Tail, DateTimeOffset RecordedAt)
{
    private const string Prefix = "cut:";

    /// <summary>True when the pending row was recorded by the public-protocol coordinator.</summary>
    public static bool IsRecordedCut(PendingTransaction pending) => pending.TxnId.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The value of the pending row's id column.</summary>
    public string Encode() =>
        $"{Prefix}{RecordedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}:{Convert.ToBase64String(Tail.ToByteArray())}";

    /// <summary>Reads a value written by <see cref="Encode"/>; throws <see cref="FormatException"/> naming the row otherwise.</summary>
    public static RecordedCut Decode(PendingTransaction pending)
    {
        var parts = pending.TxnId.Split(':', 3);
        if (parts.Length != 3 || parts[0] + ":" != Prefix ||
            !long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms))
            throw new FormatException($"pending events {pending.FirstId}..{pending.LastId}: '{pending.TxnId}' is not a recorded cut");
        try
        {
            return new RecordedCut(StreamCut.Parser.ParseFrom(Convert.FromBase64String(parts[2])), DateTimeOffset.FromUnixTimeMilliseconds(ms));
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or FormatException)
        {
            throw new FormatException($"pending events {pending.FirstId}..{pending.LastId}: the recorded cut cannot be read ({e.Message})", e);
        }
    }
}
