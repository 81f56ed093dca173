using System.Buffers.Binary;
using System.Diagnostics;

namespace SensorStream.Testing;

/// <summary>
/// A folder laid out like <c>/sys/bus/iio/devices/iio:device0</c> (plus <c>trigger0</c>, an hrtimer trigger) and a FIFO
/// standing in for <c>/dev/iio:device0</c>, written byte for byte the way the kernel writes scans. The device has
/// <c>in_accel_x</c> (index 0, <c>le:s12/16&gt;&gt;4</c>), <c>in_accel_y</c> (1, <c>be:u16/16&gt;&gt;0</c>), <c>in_temp</c>
/// (2, <c>le:s32/32&gt;&gt;0</c>), <c>in_accel_z</c> (3, <c>le:s16/16&gt;&gt;0</c>), <c>in_voltage0</c> (4, <c>le:u8/8&gt;&gt;0</c>) and
/// <c>in_timestamp</c> (5, <c>le:s64/64&gt;&gt;0</c>). With all but the voltage enabled the kernel's scan is 24 bytes:
/// x at 0, y at 2, temp at 4, z at 8, 6 bytes of padding, the timestamp at 16 (each element aligned to its size).
/// </summary>
public sealed class EmulatedIioDevice
{
    /// <summary>Bytes of one scan of x, y, temp, z and the timestamp.</summary>
    public const int ScanBytes = 24;

    public EmulatedIioDevice(string root)
    {
        SysfsRoot = Path.Combine(root, "sys");
        DevRoot = Path.Combine(root, "dev");
        Device = Path.Combine(SysfsRoot, "bus", "iio", "devices", "iio:device0");
        var trigger = Path.Combine(SysfsRoot, "bus", "iio", "devices", "trigger0");
        Write(Path.Combine(Device, "name"), "lis3dh");
        Write(Path.Combine(Device, "current_timestamp_clock"), "monotonic");
        Write(Path.Combine(Device, "buffer", "length"), "128");
        Write(Path.Combine(Device, "buffer", "enable"), "0");
        Write(Path.Combine(Device, "buffer", "watermark"), "1");
        Write(Path.Combine(Device, "trigger", "current_trigger"), "");
        Write(Path.Combine(trigger, "name"), "hrtimer0");
        Write(Path.Combine(trigger, "sampling_frequency"), "100");
        Write(Path.Combine(Device, "in_accel_scale"), "0.5");
        Write(Path.Combine(Device, "in_accel_x_offset"), "-2");
        Write(Path.Combine(Device, "in_temp_scale"), "0.25");
        Write(Path.Combine(Device, "in_temp_offset"), "100");
        foreach (var (name, index, type) in new[]
                 {
                     ("in_accel_x", 0, "le:s12/16>>4"), ("in_accel_y", 1, "be:u16/16>>0"), ("in_temp", 2, "le:s32/32>>0"),
                     ("in_accel_z", 3, "le:s16/16>>0"), ("in_voltage0", 4, "le:u8/8>>0"), ("in_timestamp", 5, "le:s64/64>>0"),
                 })
        {
            Write(Path.Combine(Device, "scan_elements", name + "_en"), "1");
            Write(Path.Combine(Device, "scan_elements", name + "_index"), index.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Write(Path.Combine(Device, "scan_elements", name + "_type"), type);
        }
        Directory.CreateDirectory(DevRoot);
        CharDevice = Path.Combine(DevRoot, "iio:device0");
        using var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [CharDevice]) { UseShellExecute = false })!;
        mkfifo.WaitForExit();
        if (mkfifo.ExitCode != 0) throw new IOException($"mkfifo {CharDevice} failed");
    }

    public string SysfsRoot { get; }

    public string DevRoot { get; }

    /// <summary>The device's sysfs folder.</summary>
    public string Device { get; }

    /// <summary>The FIFO standing in for the character device.</summary>
    public string CharDevice { get; }

    /// <summary>A sysfs attribute's content, trimmed.</summary>
    public string Read(string relative) => File.ReadAllText(Path.Combine(SysfsRoot, "bus", "iio", "devices", relative)).Trim();

    /// <summary>
    /// One scan as the kernel writes it. <paramref name="x"/> is a 12-bit signed value stored shifted left by 4 with the
    /// 4 low bits set (the chip leaves them undefined), <paramref name="y"/> big-endian unsigned 16-bit.
    /// </summary>
    public static byte[] Scan(long timestampNanos, short x, ushort y, int temp, short z)
    {
        var scan = new byte[ScanBytes];
        scan.AsSpan(2, 14).Fill(0xEE); // padding and undefined bits hold garbage; a decoder must not read them
        BinaryPrimitives.WriteUInt16LittleEndian(scan.AsSpan(0), (ushort)(((x & 0xFFF) << 4) | 0xF));
        BinaryPrimitives.WriteUInt16BigEndian(scan.AsSpan(2), y);
        BinaryPrimitives.WriteInt32LittleEndian(scan.AsSpan(4), temp);
        BinaryPrimitives.WriteInt16LittleEndian(scan.AsSpan(8), z);
        BinaryPrimitives.WriteInt64LittleEndian(scan.AsSpan(16), timestampNanos);
        return scan;
    }

    /// <summary>Opens the FIFO for writing (after the reader has opened it) with no user-space buffering.</summary>
    public FileStream OpenWriter() => new(CharDevice, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);

    private static void Write(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text + "\n");
    }
}
