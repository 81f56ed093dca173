namespace SensorStream.Chaos;

/// <summary>The faults the harness injects.</summary>
public enum FaultKind
{
    /// <summary>kill -9 of the edge collector, restarted after a pause.</summary>
    KillEdge,
    /// <summary>kill -9 of the gateway (mid-transaction), restarted after a pause.</summary>
    KillGateway,
    /// <summary>kill -9 of the cloud host (mid-mirror or mid-export), restarted after a pause.</summary>
    KillCloud,
    /// <summary>The gateway stopped cleanly and kept away for a few seconds: the edge buffers, the cloud retries.</summary>
    GatewayOutage,
    /// <summary>Azurite (standing in for Azure Storage) stopped and restarted on its persisted data: a storage outage.</summary>
    RestartAzurite,
    /// <summary>A power cut of the edge site: collector, gateway and cloud host killed at once (-9), storage restarted, then all back.</summary>
    PowerCut,
    /// <summary>The collector's fsyncs hang (a saturated or failing disk): sampling goes on, queue writes and commits wait.</summary>
    StallEdgeDisk,
    /// <summary>The gateway's fsyncs hang: writes and commits are not acknowledged until the disk answers again.</summary>
    StallGatewayDisk,
    /// <summary>The collector's file system filled to the last byte: SQLite gets SQLITE_FULL until space is freed.</summary>
    EdgeDiskFull,
    /// <summary>
    /// Seeded random damage to the collector's queue while it is down (bits flipped, WAL truncated, database deleted or
    /// replaced by an older copy); only with <c>--file-damage edge</c>. Must hold: a counted, logged gap, never a duplicate.
    /// </summary>
    DamageEdgeQueue,
    /// <summary>
    /// Seeded random damage to one file of the gateway while it is down; only with <c>--file-damage gateway</c>. Must hold:
    /// the gateway refuses to start naming the file (it is then repaired from a backup), or it serves with nothing lost.
    /// </summary>
    DamageGatewayFile,
    /// <summary>
    /// The stream scaled (UpdateStream) to a seeded count of 1..6 segments while the collector commits and the cloud
    /// mirrors: a new epoch, the segments before sealed. Must hold: nothing lost or duplicated, each sensor in order.
    /// </summary>
    ScaleStream,
}
