using SensorStream.EdgeModule.Queue;
using SensorStream.Streams.Client;

namespace SensorStream.EdgeModule.Transactions;

/// <summary>
/// One explicit-protocol transaction on its way through the coordinator's pipeline: its pending row (recorded before
/// anything of it was sent, <see cref="WriteCommitPending"/>), its queued events, and the gateway calls under way for it.
/// </summary>
internal sealed class TransactionFlight(PendingTransaction pending, IReadOnlyList<QueuedEvent> events)
{
    public PendingTransaction Pending { get; } = pending;

    public IReadOnlyList<QueuedEvent> Events { get; } = events;

    /// <summary>The gateway's transaction id.</summary>
    public string TxnId => WriteCommitPending.GatewayTxnId(Pending);

    /// <summary>The events as the gateway client sends them.</summary>
    public IReadOnlyList<OutgoingEvent> Outgoing => Events.Select(e => new OutgoingEvent(e.RoutingKey, e.Data)).ToList();

    /// <summary>
    /// Pipelined: the call writing the events WITHOUT commit while the previous transaction commits (completes once they
    /// are durable on the gateway); null when the events go with the commit in one call.
    /// </summary>
    public Task? WriteAhead { get; set; }

    /// <summary>The writer's event-time mark reported with the commit (taken when the transaction was prepared).</summary>
    public WriterTime? Time { get; set; }

    /// <summary>The call that commits it: the one-call write + commit, or the commit of events written ahead.</summary>
    public Task<TransactionState>? Commit { get; set; }

    /// <summary>
    /// Waits for every call still under way for it and ignores their outcome: after a failure nothing may run beside the
    /// recovery that follows (the pending row decides the outcome there).
    /// </summary>
    public async Task SettleAsync()
    {
        foreach (var call in new[] { WriteAhead, Commit })
        {
            if (call is null) continue;
            try
            {
                await call.ConfigureAwait(false);
            }
            catch
            {
                // the outcome is recovery's to find out, from the gateway's status of the recorded transaction
            }
        }
    }
}
