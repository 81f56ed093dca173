namespace SensorStream.Streams.Client;

/// <summary>
/// The server speaks the pravega-grpc-gateway protocol but lacks the explicit transaction RPCs
/// (for example a real pravega-grpc-gateway): exactly-once delivery cannot be provided through it.
/// </summary>
public sealed class TransactionsNotSupportedException(string endpoint, Exception inner)
    : Exception($"The gateway at {endpoint} does not implement explicit transactions " +
                "(BeginTransaction/CommitTransaction answered UNIMPLEMENTED). Exactly-once delivery needs the " +
                "SensorStream gateway; a plain pravega-grpc-gateway can only be read from.", inner);
