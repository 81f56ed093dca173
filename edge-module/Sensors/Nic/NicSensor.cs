using System.Buffers.Text;
using Microsoft.Win32.SafeHandles;

namespace SensorStream.EdgeModule.Sensors;

/// <summary>
/// Linux NIC statistics from <c>{sysfs}/class/net/{interface}/statistics/*</c>, as Pravega Sensor Collector's network
/// driver reports them. The counter files stay open and are re-read at offset 0 (sysfs regenerates the value on every
/// read; it saves an open/close per counter at 1 kHz). Counters go through <see cref="CounterUnwrapper"/>: monotonic
/// 64-bit values, with <c>CounterResets</c> counting resets.
/// <para>A missing or vanished interface is a state of this sensor, not a failure of the collector: while it is
/// <see cref="NicState.Missing"/> each read throws <see cref="SensorUnavailableException"/> (the sampler counts it as a
/// read error and logs one line when the interface goes missing and one when it is read again; the other sensors go on), and every 100 ms the interface is looked up again,
/// so a re-created one (a new <c>ifindex</c>) is read again well within a second.</para>
/// </summary>
public sealed class NicSensor : ISensor
{
    private static readonly string[] Counters = ["rx_bytes", "tx_bytes", "rx_packets", "tx_packets", "rx_errors", "tx_errors"];
    private static readonly string[] Columns = ["RxBytes", "TxBytes", "RxPackets", "TxPackets", "RxErrors", "TxErrors", "CounterResets"];
    private const long RecheckMillis = 100;

    private readonly string _directory;
    private readonly string _ifindexPath;
    private readonly CounterUnwrapper[] _counters;
    private readonly byte[] _buffer = new byte[32];
    private SafeFileHandle[]? _files;
    private string? _ifindex;
    private long _checkedAtMillis;

    /// <summary>A NIC sensor; it does not need the interface to exist yet.</summary>
    /// <param name="interfaceName">e.g. <c>eth0</c>; no '/'.</param>
    /// <param name="sysfsRoot">Where sysfs is mounted (a fake tree in tests).</param>
    /// <param name="counterWidth">32 or 64 when known; null to detect (see <see cref="CounterUnwrapper"/>).</param>
    public NicSensor(string interfaceName, string sysfsRoot = "/sys", int? counterWidth = null)
    {
        if (string.IsNullOrWhiteSpace(interfaceName) || interfaceName.Contains('/'))
            throw new ArgumentException($"'{interfaceName}' is not a network interface name", nameof(interfaceName));
        var root = Path.Combine(sysfsRoot, "class", "net", interfaceName);
        _directory = Path.Combine(root, "statistics");
        _ifindexPath = Path.Combine(root, "ifindex");
        SensorId = $"nic-{interfaceName}";
        Shape = new SensorShape(Columns, [], [new("RemoteAddr", Environment.MachineName), new("Interface", interfaceName)]);
        _counters = Counters.Select(_ => new CounterUnwrapper(counterWidth)).ToArray();
        TryOpen();
        _checkedAtMillis = Environment.TickCount64;
    }

    public string SensorId { get; }

    public SensorShape Shape { get; }

    /// <summary>Whether the interface's counters are being read.</summary>
    public NicState State => _files is null ? NicState.Missing : NicState.Reading;

    /// <summary>Times the interface went missing.</summary>
    public long Disappearances { get; private set; }

    public void Read(long sequence, Span<long> longs, Span<double> doubles)
    {
        var now = Environment.TickCount64;
        if (now - _checkedAtMillis >= RecheckMillis)
        {
            _checkedAtMillis = now;
            if (_files is not null && ReadIfIndex() != _ifindex) Close(); // removed, or removed and created again
            if (_files is null) TryOpen();
        }
        if (_files is not { } files)
            throw new SensorUnavailableException($"{SensorId}: network interface missing ({_directory} does not exist); looking for it every 100 ms");
        try
        {
            for (var i = 0; i < files.Length; i++) longs[i] = _counters[i].Next(ReadCounter(files[i], Counters[i]));
        }
        catch (IOException e)
        {
            Close(); // ENODEV: the interface went away under the open files
            throw new SensorUnavailableException($"{SensorId}: network interface vanished ({e.Message}); looking for it every 100 ms");
        }
        longs[Counters.Length] = _counters.Sum(c => c.Resets);
    }

    private long ReadCounter(SafeFileHandle file, string name)
    {
        var n = RandomAccess.Read(file, _buffer, 0);
        var text = _buffer.AsSpan(0, n).TrimEnd("\n "u8);
        if (!Utf8Parser.TryParse(text, out long value, out var used) || used != text.Length || value < 0)
            throw new InvalidDataException($"{SensorId}: counter {name} does not hold a non-negative integer");
        return value;
    }

    private void TryOpen()
    {
        if (!Directory.Exists(_directory)) return;
        var files = new List<SafeFileHandle>();
        try
        {
            foreach (var c in Counters) files.Add(File.OpenHandle(Path.Combine(_directory, c)));
            _ifindex = ReadIfIndex();
            _files = [.. files];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            foreach (var f in files) f.Dispose();
        }
    }

    private string? ReadIfIndex()
    {
        try
        {
            return File.Exists(_ifindexPath) ? File.ReadAllText(_ifindexPath).Trim() : Directory.Exists(_directory) ? "" : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private void Close()
    {
        if (_files is null) return;
        foreach (var f in _files) f.Dispose();
        _files = null;
        Disappearances++;
    }

    public void Dispose()
    {
        foreach (var f in _files ?? []) f.Dispose();
        _files = null;
    }
}

/// <summary>States of a <see cref="NicSensor"/>.</summary>
public enum NicState
{
    /// <summary>The interface's counters are open and read.</summary>
    Reading,

    /// <summary>The interface does not exist (yet, or any more); it is looked up again every 100 ms.</summary>
    Missing,
}
