namespace SensorStream.Streams.Configuration;

/// <summary>
/// Everything said about one <c>--sensor kind:arguments</c> kind, written once (<see cref="SensorKinds.All"/>): the
/// collector's factory binds a driver to it by <see cref="Name"/>, and the collector's <c>--help</c>, the CLI's help and
/// preflight, and the sensor table of edge-module/README.md are derived from it.
/// </summary>
/// <param name="Name">The spec's prefix, lower case (e.g. <c>nic</c>).</param>
/// <param name="Syntax">The whole spec with its arguments, e.g. <c>nic:&lt;if&gt;[:32|:64]</c>; optional parts in brackets.</param>
/// <param name="Usage">One sentence: what it reads and what the arguments mean.</param>
/// <param name="Columns">The columns one sample fills, with units (for the README table).</param>
/// <param name="Timing">Who takes the samples.</param>
/// <param name="DefaultI2cAddress">For an I2C chip: its own default 7-bit address, used when the spec leaves it out.
/// Required for every I2C kind (see <see cref="IsI2c"/>): a chip never falls back to another chip's address.</param>
/// <param name="Refusal">For <see cref="SensorTiming.Unavailable"/>: why it cannot be used and what to use instead.</param>
/// <param name="ReadModes">For an I2C chip that can be read more than one way: the names of an optional last spec
/// argument choosing how (e.g. <c>fifo</c>, <c>polled</c>), the default first; null when there is one way.</param>
public sealed record SensorKind(
    string Name,
    string Syntax,
    string Usage,
    string Columns,
    SensorTiming Timing,
    int? DefaultI2cAddress = null,
    string? Refusal = null,
    IReadOnlyList<string>? ReadModes = null)
{
    /// <summary>The most ':'-separated arguments an I2C spec takes: bus, address and, for a kind with <see cref="ReadModes"/>, the mode.</summary>
    public int MaxI2cArguments => ReadModes is null ? 2 : 3;

    /// <summary>The read mode named by a spec's last argument (case-insensitive), or null when it names none.</summary>
    public string? ReadMode(IReadOnlyList<string> arguments) =>
        ReadModes is null || arguments.Count < 2 ? null : ReadModes.FirstOrDefault(m => string.Equals(m, arguments[^1].Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether the arguments are an I2C bus and an optional address (<c>kind:&lt;bus&gt;[:&lt;addr&gt;]</c>).</summary>
    public bool IsI2c => DefaultI2cAddress is not null;

    /// <summary>Whether the arguments are one text that may itself contain ':' (a folder path) rather than ':'-separated parts.</summary>
    public bool TakesWholeArgument => Timing == SensorTiming.Imported;

    /// <summary>The default address as the README and help print it (<c>0x68</c>), or empty.</summary>
    public string DefaultAddressText => DefaultI2cAddress is { } a ? $"0x{a:x2}" : "";

    /// <summary>Splits the text after <c>kind:</c> into arguments (whole for an imported kind, else on ':').</summary>
    public IReadOnlyList<string> SplitArguments(string rest) => TakesWholeArgument ? [rest] : rest.Split(':');
}
