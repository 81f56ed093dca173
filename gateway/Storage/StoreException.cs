namespace SensorStream.Gateway.Storage;

/// <summary>What kind of failure a store operation hit; the service maps it to a gRPC status code.</summary>
public enum StoreError
{
    NotFound,
    InvalidArgument,
    FailedPrecondition,
    ResourceExhausted,
    Unavailable,
    DataLoss,
}

/// <summary>A store operation failed for a reason the caller can act on; the message names the input and the problem.</summary>
public sealed class StoreException(StoreError kind, string message) : Exception(message)
{
    public StoreError Kind { get; } = kind;
}
