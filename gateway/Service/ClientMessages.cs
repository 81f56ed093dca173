using Grpc.Core;

namespace SensorStream.Gateway.Service;

/// <summary>The client cancelled its call or reset its request stream: not a failure of the gateway or its storage.</summary>
public sealed class ClientCancelledException(Exception inner) : Exception("the client cancelled the call", inner);

/// <summary>
/// The messages of a client-streaming call, one at a time. A cancel or reset by the client (which Kestrel reports as
/// an <see cref="IOException"/> or a cancellation) becomes <see cref="ClientCancelledException"/>, so the caller can
/// keep what it already accepted and it is never reported as a storage I/O failure.
/// </summary>
public sealed class ClientMessages<T>(IAsyncStreamReader<T> reader, ServerCallContext context)
{
    /// <summary>Index of <see cref="Current"/> in the call (0 for the first message).</summary>
    public long Index { get; private set; } = -1;

    public T Current => reader.Current;

    /// <summary>Moves to the next message; false when the client completed its request stream.</summary>
    public async Task<bool> MoveNextAsync()
    {
        bool more;
        try
        {
            more = await reader.MoveNext(context.CancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException || context.CancellationToken.IsCancellationRequested)
        {
            throw new ClientCancelledException(e);
        }
        if (more) Index++;
        return more;
    }
}
