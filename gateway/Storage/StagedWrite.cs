using SensorStream.Gateway.Transactions;

namespace SensorStream.Gateway.Storage;

/// <summary>
/// One write request's events journaled before the request ended (<see cref="StreamStore.StageAsync"/>): its stage id
/// (the id its staged frames carry) and where those events are, in arrival order. Adopted by the request's last append.
/// </summary>
public sealed class StagedWrite
{
    /// <summary>The id of this request's staged frames (random: it names nothing but them).</summary>
    public Guid Id { get; } = Guid.NewGuid();

    /// <summary>Staged events so far (about 24 bytes each in memory; the event bytes are in the journal only).</summary>
    public List<TransactionEventRef> Events { get; } = [];

    /// <summary>Journal position of the first staged frame (-1 before any).</summary>
    public long FirstFrame { get; internal set; } = -1;
}
