using System.Text;

namespace SensorStream.Streams.Configuration;

/// <summary>
/// The registry of sensor kinds: one <see cref="SensorKind"/> each. To add a kind, add its descriptor here and bind a
/// driver to it in edge-module/Sensors (a test fails until both exist and the README table is regenerated).
/// </summary>
public static class SensorKinds
{
    /// <summary><c>synthetic:&lt;id&gt;</c>.</summary>
    public static readonly SensorKind Synthetic = new("synthetic", "synthetic:<id>",
        "deterministic generator for demos and tests: Sample = sequence, Value = sin(2π·sequence/1000)",
        "Sample, Value", SensorTiming.Polled);

    /// <summary><c>nic:&lt;if&gt;[:32|:64]</c>.</summary>
    public static readonly SensorKind Nic = new("nic", "nic:<if>[:32|:64]",
        "network interface counters from /sys/class/net/<if>/statistics; counter width in bits (detected when left out); a missing interface is a sensor state, looked up every 100 ms",
        "RxBytes, TxBytes, RxPackets, TxPackets, RxErrors, TxErrors (monotonic), CounterResets", SensorTiming.Polled);

    /// <summary><c>mpu6050:&lt;bus&gt;[:&lt;addr&gt;][:fifo|:polled]</c>.</summary>
    public static readonly SensorKind Mpu6050 = new("mpu6050", "mpu6050:<bus>[:<addr>][:fifo|:polled]",
        "MPU6050 accelerometer on /dev/i2c-<bus> through Iot.Device.Bindings; address in hex; fifo (default): the chip samples at --rate (1000/(1+SMPLRT_DIV) Hz, 3.91-1000) into its 1024-byte FIFO, drained in batches, an overflow counted as missed samples; polled: read at every --rate deadline",
        "X, Y, Z (m/s²)", SensorTiming.HardwareTimed, DefaultI2cAddress: 0x68, ReadModes: ["fifo", "polled"]);

    /// <summary><c>lis3dh:&lt;bus&gt;[:&lt;addr&gt;]</c>.</summary>
    public static readonly SensorKind Lis3Dh = new("lis3dh", "lis3dh:<bus>[:<addr>]",
        "LIS3DH accelerometer on /dev/i2c-<bus> through Iot.Device.Bindings (1344 Hz high-resolution, ±2 g); address in hex",
        "X, Y, Z (m/s²)", SensorTiming.Polled, DefaultI2cAddress: 0x18);

    /// <summary><c>adxl345:</c>: refused.</summary>
    public static readonly SensorKind Adxl345 = new("adxl345", "adxl345:<bus>[:<addr>]",
        "refused: the ADXL345 binding of Iot.Device.Bindings 4.2.0 is SPI-only",
        "", SensorTiming.Unavailable, DefaultI2cAddress: 0x53,
        Refusal: "the ADXL345 binding in Iot.Device.Bindings 4.2.0 is SPI-only, so it cannot be read over I2C; " +
                 "use mpu6050:<bus>[:<addr>], lis3dh:<bus>[:<addr>] or, with a kernel driver, iio:<device>");

    /// <summary><c>iio:&lt;device&gt;[:&lt;channel&gt;,…][:&lt;trigger&gt;]</c>.</summary>
    public static readonly SensorKind Iio = new("iio", "iio:<device>[:<channel>,…][:<trigger>]",
        "Linux IIO buffered capture from /dev/iio:deviceN with kernel timestamps; device = N, deviceN or its name; channels = scan elements without _en (default: all); trigger written to trigger/current_trigger (default: kept); --rate written to sampling_frequency",
        "one per channel, scaled: (raw + offset) × scale (IIO units, e.g. m/s²)", SensorTiming.HardwareTimed);

    /// <summary><c>csv:&lt;dir&gt;</c>.</summary>
    public static readonly SensorKind Csv = new("csv", "csv:<dir>",
        "CSV files dropped into <dir> (and its subfolders), imported exactly once, in parts",
        "the file's value columns (doubles), timestamps from TimestampNanos", SensorTiming.Imported);

    /// <summary>Every kind, in the order help and the README list them.</summary>
    public static readonly IReadOnlyList<SensorKind> All = [Synthetic, Nic, Mpu6050, Lis3Dh, Adxl345, Iio, Csv];

    /// <summary>The kind named <paramref name="name"/> (case-insensitive), or null.</summary>
    public static SensorKind? Find(string name) => All.FirstOrDefault(k => string.Equals(k.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The usable kinds' syntaxes, comma-separated (for one-line help).</summary>
    public static string SyntaxList => string.Join(", ", All.Where(k => k.Timing != SensorTiming.Unavailable).Select(k => k.Syntax));

    /// <summary>Two help lines per kind: the syntax (with an I2C chip's default address), then its usage indented below.</summary>
    public static IEnumerable<string> HelpLines(int indent = 2)
    {
        foreach (var k in All)
        {
            yield return $"{new string(' ', indent)}{k.Syntax}{(k.IsI2c && k.Timing != SensorTiming.Unavailable ? $"  (default address {k.DefaultAddressText})" : "")}";
            yield return $"{new string(' ', indent + 4)}{k.Usage}";
        }
    }

    /// <summary>The Markdown table of edge-module/README.md (between its <c>sensor-kinds</c> markers), one row per kind.</summary>
    public static string MarkdownTable()
    {
        var text = new StringBuilder()
            .AppendLine("| kind | spec | default address | timing | columns | what |")
            .AppendLine("|---|---|---|---|---|---|");
        foreach (var k in All)
            text.AppendLine($"| `{k.Name}` | `{Code(k.Syntax)}` | {k.DefaultAddressText} | {TimingText(k.Timing)} | {Text(k.Columns)} | {Text(k.Usage)} |");
        return text.ToString();
    }

    // GitHub-flavoured Markdown: '|' ends a cell even inside a code span unless escaped; '<' outside one starts HTML.
    private static string Code(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);

    private static string Text(string text) => Code(text).Replace("<", "&lt;", StringComparison.Ordinal);

    private static string TimingText(SensorTiming timing) => timing switch
    {
        SensorTiming.Polled => "polled at --rate",
        SensorTiming.HardwareTimed => "hardware-timed at --rate",
        SensorTiming.Imported => "imported",
        _ => "refused",
    };
}
