namespace SensorStream.EdgeModule.Sensors;

/// <summary>
/// One enabled scan element of an IIO device: where it sits in a scan and how its raw value becomes a physical one,
/// <c>(raw + offset) × scale</c> (sysfs-bus-iio: <c>in_*_raw</c>, <c>_offset</c>, <c>_scale</c>).
/// </summary>
/// <param name="Name">The scan element's name, e.g. <c>in_accel_x</c> (its files are <c>scan_elements/in_accel_x_en</c>, <c>_index</c>, <c>_type</c>).</param>
/// <param name="Index">Its <c>_index</c>: scans hold the enabled elements in ascending index order.</param>
/// <param name="Type">Its <c>_type</c>.</param>
/// <param name="Scale">Its <c>_scale</c> (or the shared one of its kind, e.g. <c>in_accel_scale</c>); 1 when the device has none.</param>
/// <param name="Offset">Its <c>_offset</c> (or the shared one); 0 when the device has none.</param>
public sealed record IioChannel(string Name, int Index, IioScanType Type, double Scale, double Offset)
{
    /// <summary>The kernel's timestamp element (<c>le:s64/64&gt;&gt;0</c>, nanoseconds of the device's <c>current_timestamp_clock</c>).</summary>
    public const string TimestampName = "in_timestamp";

    /// <summary>Byte offset of the element in a scan (set by <see cref="IioScanLayout"/>).</summary>
    public int ScanOffset { get; init; }

    /// <summary>The event column(s): the name without <c>in_</c> (<c>accel_x</c>), with <c>_0</c>, <c>_1</c>… for a repeated element.</summary>
    public IEnumerable<string> Columns
    {
        get
        {
            var column = Name.StartsWith("in_", StringComparison.Ordinal) ? Name[3..] : Name;
            return Type.Repeat == 1 ? [column] : Enumerable.Range(0, Type.Repeat).Select(i => $"{column}_{i}");
        }
    }
}
