namespace SensorStream.Benchmarks.Gateway;

/// <summary>
/// One benchmark case: event size, events per transaction (= per durable batch), concurrent writers, duration; with
/// <see cref="Combined"/>, each transaction is written and committed in one call (one fsync) instead of write, then commit.
/// </summary>
public sealed record WriteWorkload(int EventBytes, int EventsPerTransaction, int Writers, TimeSpan Duration, bool Combined = false)
{
    /// <summary>
    /// Load run before the measurement, not counted: until the gateway's hot methods are compiled at full optimization.
    /// On the loaded 2-core VM the JIT still took 39 % of the gateway's samples (perf) 10 s after start with 2 s.
    /// </summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);

    public byte[] Event(int writer, long sequence)
    {
        var bytes = new byte[EventBytes];
        new Random(HashCode.Combine(writer, sequence)).NextBytes(bytes);
        return bytes;
    }
}

/// <summary>What one side achieved: payload bytes and events per second.</summary>
public sealed record Throughput(long Events, long Bytes, TimeSpan Elapsed)
{
    /// <summary>Where a transaction's time went (gateway side only).</summary>
    public PhaseTimes? Phases { get; init; }

    /// <summary>CPU time used over the run: the raw side's own process; for the gateway side, gateway + client.</summary>
    public TimeSpan Cpu { get; init; }

    /// <summary>CPU time per event in microseconds.</summary>
    public double CpuMicrosPerEvent => Events == 0 ? 0 : Cpu.TotalMicroseconds / Events;

    public double EventsPerSecond => Events / Elapsed.TotalSeconds;
    public double BytesPerSecond => Bytes / Elapsed.TotalSeconds;
}

/// <summary>Average latency of begin, write and commit over all transactions of a run.</summary>
public sealed class PhaseTimes
{
    private readonly Lock _lock = new();
    private TimeSpan _begin, _write, _commit, _gatewayCpu, _clientCpu;
    private int _count;

    /// <summary>CPU time of the gateway process and of this (client) process over the run.</summary>
    public void AddCpu(TimeSpan gateway, TimeSpan client)
    {
        lock (_lock) (_gatewayCpu, _clientCpu) = (gateway, client);
    }

    /// <summary>Average BeginTransaction latency in milliseconds (0 before any transaction).</summary>
    public double BeginMilliseconds
    {
        get
        {
            lock (_lock) return _count == 0 ? 0 : _begin.TotalMilliseconds / _count;
        }
    }

    public void Add(TimeSpan begin, TimeSpan write, TimeSpan commit)
    {
        lock (_lock) (_begin, _write, _commit, _count) = (_begin + begin, _write + write, _commit + commit, _count + 1);
    }

    public override string ToString()
    {
        lock (_lock)
            return _count == 0 ? "no transactions" : string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"per transaction: begin {_begin.TotalMilliseconds / _count:N2} ms, write {_write.TotalMilliseconds / _count:N2} ms, commit {_commit.TotalMilliseconds / _count:N2} ms; " +
                $"CPU gateway {_gatewayCpu.TotalMilliseconds / _count:N2} ms, client {_clientCpu.TotalMilliseconds / _count:N2} ms");
    }
}
