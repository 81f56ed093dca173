using System.Buffers.Text;
using Microsoft.Win32.SafeHandles;

namespace SensorStream.EdgeModule.Sensors;

/// <summary>
/// Linux NIC statistics from <c>{sysfs}/class/net/{interface}/statistics/*</c>, as Pravega Sensor Collector's
/// network driver reports them. The counter files stay open and are re-read at offset 0: sysfs regenerates
/// the value on every read from the start, and it saves an open/close per counter at 1 kHz.
/// </summary>
public sealed class NicSensor : ISensor
{
    private static readonly string[] Counters = ["rx_bytes", "tx_bytes", "rx_packets", "tx_packets", "rx_errors", "tx_errors"];
    private static readonly string[] Columns = ["RxBytes", "TxBytes", "RxPackets", "TxPackets", "RxErrors", "TxErrors"];

    private readonly SafeFileHandle[] _files;
    private readonly byte[] _buffer = new byte[32];

    public NicSensor(string interfaceName, string sysfsRoot = "/sys")
    {
        if (string.IsNullOrWhiteSpace(interfaceName) || interfaceName.Contains('/'))
            throw new ArgumentException($"'{interfaceName}' is not a network interface name", nameof(interfaceName));
        var directory = Path.Combine(sysfsRoot, "class", "net", interfaceName, "statistics");
        if (!Directory.Exists(directory))
            throw new ArgumentException($"network interface '{interfaceName}' not found: {directory} does not exist", nameof(interfaceName));
        SensorId = $"nic-{interfaceName}";
        Shape = new SensorShape(Columns, [],
            [new("RemoteAddr", Environment.MachineName), new("Interface", interfaceName)]);
        _files = Counters.Select(c => File.OpenHandle(Path.Combine(directory, c))).ToArray();
    }

    public string SensorId { get; }

    public SensorShape Shape { get; }

    public void Read(long sequence, Span<long> longs, Span<double> doubles)
    {
        for (var i = 0; i < _files.Length; i++) longs[i] = ReadCounter(_files[i], Counters[i]);
    }

    private long ReadCounter(SafeFileHandle file, string name)
    {
        var n = RandomAccess.Read(file, _buffer, 0);
        var text = _buffer.AsSpan(0, n).TrimEnd("\n "u8);
        if (!Utf8Parser.TryParse(text, out long value, out var used) || used != text.Length)
            throw new IOException($"{SensorId}: counter {name} does not hold an integer");
        return value;
    }

    public void Dispose()
    {
        foreach (var f in _files) f.Dispose();
    }
}
