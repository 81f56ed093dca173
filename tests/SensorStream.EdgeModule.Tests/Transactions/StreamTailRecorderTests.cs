using Microsoft.Extensions.Logging.Abstractions;
using SensorStream.EdgeModule.Queue;
using SensorStream.EdgeModule.Tests.Integration;
using SensorStream.EdgeModule.Tests.Support;
using SensorStream.EdgeModule.Transactions;
using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;
using SensorStream.Streams.Protocol;
using SensorStream.Testing;

namespace SensorStream.EdgeModule.Tests.Transactions;

/// <summary>
/// The stream-tail recorder's once-a-second ask is paced by the coordinator's clock (<see cref="CoordinatorOptions.Clock"/>),
/// not the wall clock: against a real gateway, with the clock advanced by the test and never slept on.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class StreamTailRecorderTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Asks_for_the_tail_at_most_once_per_interval_of_the_coordinators_clock()
    {
        using var dir = new TempDirectory();
        await using var gateway = await GatewayProcess.StartAsync(dir.File("gateway"));
        var stream = new StreamName("edge", "tail-recorder-clock");
        using var client = new GatewayClient(gateway.Endpoint.ToString());
        await client.EnsureStreamAsync(stream);
        using var queue = EventQueue.Open(dir.File("queue.db"), new QueueOptions(), NullLogger.Instance);
        var clock = new ManualClock();
        var recorder = new StreamTailRecorder(queue, client, stream, NullLogger.Instance, clock);
        var almost = StreamTailRecorder.Every - TimeSpan.FromMilliseconds(1);

        await Asked(recorder.RefreshIfDue(CancellationToken.None)); // the first ask is due at once
        clock.Advance(almost);
        Assert.Null(recorder.RefreshIfDue(CancellationToken.None)); // not due, however much real time passed
        clock.Advance(TimeSpan.FromMilliseconds(1));
        await Asked(recorder.RefreshIfDue(CancellationToken.None)); // due, however little real time passed

        // A cut the caller took anyway counts as an ask.
        clock.Advance(StreamTailRecorder.Every);
        recorder.Note(new StreamCut());
        clock.Advance(almost);
        Assert.Null(recorder.RefreshIfDue(CancellationToken.None));
        clock.Advance(TimeSpan.FromMilliseconds(1));
        await Asked(recorder.RefreshIfDue(CancellationToken.None));
    }

    /// <summary>Asserts that an ask was started and waits for it.</summary>
    private static Task Asked(Task? ask)
    {
        Assert.NotNull(ask);
        return ask.WaitAsync(Timeout);
    }

    /// <summary>A clock only the test moves (wall time and the monotonic timestamp alike).</summary>
    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = DateTimeOffset.UtcNow;

        public override DateTimeOffset GetUtcNow() => _now;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _now.UtcTicks;

        public void Advance(TimeSpan by) => _now += by;
    }
}
