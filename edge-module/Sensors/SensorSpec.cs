using SensorStream.Streams.Configuration;

namespace SensorStream.EdgeModule.Sensors;

/// <summary>
/// A parsed <c>--sensor</c> value: <c>kind:arguments</c>, e.g. <c>synthetic:a</c>, <c>nic:eth0</c>,
/// <c>mpu6050:1:0x68</c>, <c>iio:0:accel_x,accel_y</c>, <c>csv:/data/in</c>. The kinds and how each splits its
/// arguments come from <see cref="SensorKinds"/>.
/// </summary>
public sealed record SensorSpec(string Kind, IReadOnlyList<string> Arguments, string Text)
{
    /// <summary>The names of every kind.</summary>
    public static readonly IReadOnlyList<string> Kinds = CollectorLimits.SensorKinds;

    /// <summary>The descriptor of <see cref="Kind"/>.</summary>
    public SensorKind Descriptor => SensorKinds.Find(Kind)!;

    /// <summary>Parses <c>kind:arguments</c>; <see cref="FormatException"/> names the text and the known kinds.</summary>
    public static SensorSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.IndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
            throw new FormatException($"'{text}' is not a sensor spec: expected kind:arguments with kind one of {string.Join(", ", Kinds)}");
        var kind = SensorKinds.Find(text[..colon])
                   ?? throw new FormatException($"'{text}': unknown sensor kind '{text[..colon].Trim().ToLowerInvariant()}' (known: {string.Join(", ", Kinds)})");
        return new SensorSpec(kind.Name, kind.SplitArguments(text[(colon + 1)..]), text);
    }

    public override string ToString() => Text;
}
