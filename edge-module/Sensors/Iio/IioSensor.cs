using System.Globalization;

namespace SensorStream.EdgeModule.Sensors;

/// <summary>
/// Hardware-timed capture through the Linux IIO buffer (Pravega Sensor Collector's accelerometer path): configured
/// through sysfs, then scans are drained from <c>/dev/iio:deviceN</c> and each carries the kernel's timestamp, so no
/// sample depends on when the collector wakes up.
/// <para>Configuration, in the order the kernel requires (Documentation/iio/iio_devbuf.rst): <c>buffer/enable</c> = 0;
/// each wanted <c>scan_elements/*_en</c> = 1 (the others 0) and <c>in_timestamp_en</c> = 1; <c>trigger/current_trigger</c>
/// when a trigger is named; <c>sampling_frequency</c> of the device, else of the named trigger (an hrtimer trigger
/// has its own); <c>current_timestamp_clock</c> = realtime when present (timestamps are then Unix nanoseconds);
/// <c>buffer/length</c> = 2 s of scans; <c>buffer/watermark</c> ≈ 10 ms of scans when present; last <c>buffer/enable</c> = 1.
/// Dispose writes <c>buffer/enable</c> = 0.</para>
/// </summary>
public sealed class IioSensor : IBufferedSensor
{
    private readonly string _device;
    private readonly IioCharDevice _char;
    private readonly IioChannel[] _values;
    private readonly IioChannel _timestamp;
    private readonly int _scanBytes;
    private readonly byte[] _buffer;
    private int _buffered; // bytes of an incomplete scan kept from the last read

    /// <summary>Configures the device and opens its buffer.</summary>
    /// <param name="device">A device number (<c>0</c>), <c>deviceN</c>, or the device's <c>name</c> (e.g. <c>lis3dh</c>).</param>
    /// <param name="channels">Scan elements to capture, with or without <c>in_</c> (e.g. <c>accel_x</c>); empty = all but the timestamp.</param>
    /// <param name="trigger">Trigger name for <c>trigger/current_trigger</c>, or null to keep the device's.</param>
    /// <param name="rateHz">Samples per second written to <c>sampling_frequency</c>.</param>
    /// <param name="sysfsRoot">Where sysfs is mounted (devices under <c>bus/iio/devices</c>).</param>
    /// <param name="devRoot">Where the character device <c>iio:deviceN</c> is.</param>
    /// <exception cref="IOException">The device, an element or an attribute is missing or refuses a value (the message names it).</exception>
    public IioSensor(string device, IReadOnlyList<string> channels, string? trigger, double rateHz, string sysfsRoot = "/sys", string devRoot = "/dev")
    {
        var devices = Path.Combine(sysfsRoot, "bus", "iio", "devices");
        _device = Resolve(devices, device);
        var name = Path.GetFileName(_device);
        SensorId = $"iio-{device}";
        PeriodNanos = (long)Math.Round(1e9 / rateHz);

        Write("buffer/enable", "0");
        var scanElements = Path.Combine(_device, "scan_elements");
        if (!Directory.Exists(scanElements)) throw new IOException($"IIO: {name} has no scan_elements: the device has no buffer");
        var all = Directory.GetFiles(scanElements, "*_en").Select(f => Path.GetFileName(f)[..^3]).Order(StringComparer.Ordinal).ToList();
        if (!all.Contains(IioChannel.TimestampName))
            throw new IOException($"IIO: {name} has no {IioChannel.TimestampName} scan element: without kernel timestamps its samples cannot be timed");
        var wanted = channels.Count == 0
            ? all.Where(c => c != IioChannel.TimestampName).ToList()
            : channels.Select(c => all.Contains(c) ? c : all.Contains("in_" + c) ? "in_" + c
                : throw new IOException($"IIO: {name} has no scan element '{c}' (has: {string.Join(", ", all.Where(a => a != IioChannel.TimestampName))})")).ToList();
        if (wanted.Count == 0) throw new IOException($"IIO: {name} has no scan elements besides the timestamp");
        foreach (var element in all) Write($"scan_elements/{element}_en", wanted.Contains(element) || element == IioChannel.TimestampName ? "1" : "0");

        var (layout, scanBytes) = IioScanLayout.Compute(wanted.Append(IioChannel.TimestampName).Select(Channel));
        _timestamp = layout.Single(c => c.Name == IioChannel.TimestampName);
        if (_timestamp.Type is not { StorageBits: 64, Bits: 64, Repeat: 1 })
            throw new IOException($"IIO: {name}'s {IioChannel.TimestampName} is not a 64-bit value");
        _values = layout.Where(c => c.Name != IioChannel.TimestampName).ToArray();
        _scanBytes = scanBytes;
        var columns = _values.SelectMany(c => c.Columns).ToArray();
        if (columns.Length > MaxColumns)
            throw new IOException($"IIO: {columns.Length} value columns from {name}; at most {MaxColumns} fit the collector's event bound (name the channels: iio:<device>:<channel>,…)");

        if (trigger is not null) Write("trigger/current_trigger", trigger);
        var frequency = rateHz.ToString(CultureInfo.InvariantCulture);
        if (File.Exists(Path.Combine(_device, "sampling_frequency"))) Write("sampling_frequency", frequency);
        else if (trigger is not null && FindTrigger(devices, trigger) is { } t && File.Exists(Path.Combine(t, "sampling_frequency")))
            WriteAttribute(Path.Combine(t, "sampling_frequency"), frequency);
        if (File.Exists(Path.Combine(_device, "current_timestamp_clock"))) Write("current_timestamp_clock", "realtime");
        var length = Math.Max(128, (int)Math.Ceiling(2 * rateHz));
        Write("buffer/length", length.ToString(CultureInfo.InvariantCulture));
        if (File.Exists(Path.Combine(_device, "buffer", "watermark")))
            Write("buffer/watermark", Math.Clamp((int)(rateHz / 100), 1, length / 2).ToString(CultureInfo.InvariantCulture));
        Write("buffer/enable", "1");

        _char = new IioCharDevice(Path.Combine(devRoot, name));
        _buffer = new byte[_scanBytes * 256];
        Shape = new SensorShape([], columns, [new("Device", ReadText(Path.Combine(_device, "name")) ?? name), new("Bus", $"iio:{name}")]);
    }

    /// <summary>Most value columns (the widest built-in sensor's, so any batch size the collector accepts fits the 8 MiB event limit).</summary>
    public const int MaxColumns = Streams.Configuration.CollectorLimits.WorstCaseColumns - 1;

    public string SensorId { get; }

    public SensorShape Shape { get; }

    public long PeriodNanos { get; }

    /// <summary>Bytes of one scan (all enabled elements, aligned).</summary>
    public int ScanBytes => _scanBytes;

    /// <summary>The captured elements in scan order, with their offsets.</summary>
    public IReadOnlyList<IioChannel> Channels => _values;

    public int ReadSamples(Span<long> timestamps, double[][] doubles, TimeSpan timeout)
    {
        var room = Math.Min(timestamps.Length, _buffer.Length / _scanBytes) * _scanBytes - _buffered;
        var n = _char.Read(_buffer.AsSpan(_buffered, Math.Max(0, room)), (int)timeout.TotalMilliseconds);
        var bytes = _buffered + n;
        var scans = bytes / _scanBytes;
        for (var s = 0; s < scans; s++)
        {
            var scan = _buffer.AsSpan(s * _scanBytes, _scanBytes);
            timestamps[s] = _timestamp.Type.Decode(scan[_timestamp.ScanOffset..]);
            var column = 0;
            foreach (var channel in _values)
                for (var r = 0; r < channel.Type.Repeat; r++)
                {
                    var raw = channel.Type.Decode(scan[(channel.ScanOffset + r * channel.Type.StorageBytes)..]);
                    doubles[column++][s] = (raw + channel.Offset) * channel.Scale;
                }
        }
        // A FIFO may hand over part of a scan; keep it for the next read (the kernel's device returns whole scans).
        _buffered = bytes - scans * _scanBytes;
        if (_buffered > 0) _buffer.AsSpan(scans * _scanBytes, _buffered).CopyTo(_buffer);
        return scans;
    }

    private IioChannel Channel(string element)
    {
        var scanElements = Path.Combine(_device, "scan_elements");
        var type = IioScanType.Parse(ReadText(Path.Combine(scanElements, element + "_type"))
                                     ?? throw new IOException($"IIO: {Path.Combine(scanElements, element + "_type")} is missing"));
        var indexText = ReadText(Path.Combine(scanElements, element + "_index"));
        if (!int.TryParse(indexText, CultureInfo.InvariantCulture, out var index) || index < 0)
            throw new IOException($"IIO: {Path.Combine(scanElements, element + "_index")} does not hold a non-negative integer");
        return new IioChannel(element, index, type, Number(element, "scale", 1), Number(element, "offset", 0));
    }

    /// <summary><c>{element}_{attribute}</c>, else the shared <c>{type}_{attribute}</c> (in_accel_x → in_accel; in_voltage0 → in_voltage), else the default.</summary>
    private double Number(string element, string attribute, double fallback)
    {
        var shared = element.LastIndexOf('_') is var u && u > 3 ? element[..u] : element.TrimEnd("0123456789".ToCharArray());
        foreach (var prefix in new[] { element, shared, element.TrimEnd("0123456789".ToCharArray()) })
        {
            var path = Path.Combine(_device, $"{prefix}_{attribute}");
            if (ReadText(path) is not { } text) continue;
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)) return value;
            throw new IOException($"IIO: {path} holds '{text}', not a number");
        }
        return fallback;
    }

    private static string Resolve(string devices, string device)
    {
        var byNumber = int.TryParse(device, CultureInfo.InvariantCulture, out var n) ? Path.Combine(devices, $"iio:device{n}")
            : device.StartsWith("device", StringComparison.Ordinal) ? Path.Combine(devices, "iio:" + device) : null;
        if (byNumber is not null)
            return Directory.Exists(byNumber) ? byNumber : throw new IOException($"IIO: no device {byNumber}");
        var named = Directory.Exists(devices)
            ? Directory.GetDirectories(devices, "iio:device*").Order(StringComparer.Ordinal).Where(d => ReadText(Path.Combine(d, "name")) == device).ToList()
            : [];
        return named.Count switch
        {
            1 => named[0],
            0 => throw new IOException($"IIO: no device named '{device}' under {devices}"),
            _ => throw new IOException($"IIO: {named.Count} devices are named '{device}' ({string.Join(", ", named.Select(Path.GetFileName))}): give the number"),
        };
    }

    private static string? FindTrigger(string devices, string trigger) =>
        Directory.Exists(devices) ? Directory.GetDirectories(devices, "trigger*").FirstOrDefault(d => ReadText(Path.Combine(d, "name")) == trigger) : null;

    private void Write(string attribute, string value) => WriteAttribute(Path.Combine(_device, attribute), value);

    // An attribute is written in place (sysfs files exist; a missing one is an error, never created).
    private static void WriteAttribute(string path, string value)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Truncate, FileAccess.Write);
            file.Write(System.Text.Encoding.ASCII.GetBytes(value + "\n"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"IIO: writing '{value}' to {path} failed: {e.Message}", e);
        }
    }

    private static string? ReadText(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        _char.Dispose();
        try
        {
            Write("buffer/enable", "0");
        }
        catch (IOException) { } // the device went away: nothing left to stop
    }
}
