namespace SensorStream.Streams.Client;

/// <summary>
/// The server speaks the pravega-grpc-gateway protocol but lacks the explicit transaction RPCs (a real
/// pravega-grpc-gateway, or ours with --protocol public). Writers then use the public protocol's recorded-cut
/// coordinators (docs/guarantees.md, "Scaling out"); a transaction id from another gateway cannot be resolved here.
/// </summary>
public sealed class TransactionsNotSupportedException(string endpoint, Exception inner)
    : Exception($"The gateway at {endpoint} does not implement explicit transactions " +
                "(the transaction RPCs answered UNIMPLEMENTED): it speaks only the public pravega-grpc-gateway protocol.", inner);
