using SensorStream.Streams.Protocol;

namespace SensorStream.Streams.Client;

/// <summary>Status of a stream transaction as the gateway reports it.</summary>
public enum TransactionState
{
    Unknown = TransactionStatusResponse.Types.Status.Unknown,
    Open = TransactionStatusResponse.Types.Status.Open,
    Committing = TransactionStatusResponse.Types.Status.Committing,
    Committed = TransactionStatusResponse.Types.Status.Committed,
    Aborting = TransactionStatusResponse.Types.Status.Aborting,
    Aborted = TransactionStatusResponse.Types.Status.Aborted,
}
