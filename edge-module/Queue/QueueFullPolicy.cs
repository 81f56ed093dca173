namespace SensorStream.EdgeModule.Queue;

/// <summary>What the queue does with a new event when it has reached its size bound.</summary>
public enum QueueFullPolicy
{
    /// <summary>Refuse the new event (its samples are recorded as lost, by sequence range, and reported).</summary>
    Reject,

    /// <summary>Delete the oldest queued events not yet in a transaction to make room (each recorded as lost and reported).</summary>
    DropOldest,
}
