using SensorStream.Streams.Events;

namespace SensorStream.Streams.Exporting;

/// <summary>
/// The declared columns of the built-in sensor kinds (version 1 of their tables), with units. A table starts from
/// its declaration, so a NIC file always has all six counters, <c>CounterResets</c> and both scalars, in this order,
/// even if the first events lack one; fields beyond the declaration evolve the table like any other (see
/// <see cref="SchemaEvolution"/>). Each declaration lists the driver's integer columns, then its floating-point
/// columns, then its scalars, as the edge collector's driver emits them (kept equal by BuiltInSchemaTests in
/// tests/SensorStream.EdgeModule.Tests).
/// </summary>
public static class BuiltInSchemas
{
    private static readonly Dictionary<string, IReadOnlyList<SchemaColumn>> Declared = new(StringComparer.Ordinal)
    {
        [EventSchemas.Nic] =
        [
            new("RxBytes", "RxBytes", ColumnKind.Long, "bytes (counter, made monotonic by the collector: wraps and resets unwrapped)"),
            new("TxBytes", "TxBytes", ColumnKind.Long, "bytes (counter)"),
            new("RxPackets", "RxPackets", ColumnKind.Long, "packets (counter)"),
            new("TxPackets", "TxPackets", ColumnKind.Long, "packets (counter)"),
            new("RxErrors", "RxErrors", ColumnKind.Long, "errors (counter)"),
            new("TxErrors", "TxErrors", ColumnKind.Long, "errors (counter)"),
            new("CounterResets", "CounterResets", ColumnKind.Long, "resets of any of the six counters the collector saw since it started (count)"),
            new("RemoteAddr", "RemoteAddr", ColumnKind.String, "host name of the collector"),
            new("Interface", "Interface", ColumnKind.String, "network interface name"),
        ],
        [EventSchemas.Synthetic] =
        [
            new("Sample", "Sample", ColumnKind.Long, "the sample's sequence number"),
            new("Value", "Value", ColumnKind.Double, "sin(2π·sequence/1000), dimensionless"),
        ],
        [EventSchemas.Accel] =
        [
            new("X", "X", ColumnKind.Double, "m/s²"),
            new("Y", "Y", ColumnKind.Double, "m/s²"),
            new("Z", "Z", ColumnKind.Double, "m/s²"),
            new("Device", "Device", ColumnKind.String, "chip (mpu6050, lis3dh)"),
            new("Bus", "Bus", ColumnKind.String, "i2c-<bus>:0x<address>"),
        ],
    };

    /// <summary>The tables with declared columns (<c>nic</c>, <c>synthetic</c>, <c>accel</c>).</summary>
    public static IReadOnlyCollection<string> Tables => Declared.Keys;

    /// <summary>The declared columns of <paramref name="table"/>, or null when it is not a built-in kind.</summary>
    public static IReadOnlyList<SchemaColumn>? Of(string table) => Declared.GetValueOrDefault(table);
}
