namespace SensorStream.EdgeModule.Sensors;

/// <summary>
/// A parsed <c>--sensor</c> value: <c>kind:arguments</c>, e.g. <c>synthetic:a</c>, <c>nic:eth0</c>,
/// <c>mpu6050:1:0x68</c>, <c>lis3dh:1:0x18</c>, <c>csv:/data/in</c>.
/// </summary>
public sealed record SensorSpec(string Kind, IReadOnlyList<string> Arguments, string Text)
{
    public static readonly IReadOnlyList<string> Kinds = Streams.Configuration.CollectorLimits.SensorKinds;

    public static SensorSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.IndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
            throw new FormatException($"'{text}' is not a sensor spec: expected kind:arguments with kind one of {string.Join(", ", Kinds)}");
        var kind = text[..colon].Trim().ToLowerInvariant();
        if (!Kinds.Contains(kind))
            throw new FormatException($"'{text}': unknown sensor kind '{kind}' (known: {string.Join(", ", Kinds)})");
        var rest = text[(colon + 1)..];
        // A CSV directory may itself contain ':'; every other kind splits its arguments on ':'.
        IReadOnlyList<string> arguments = kind == "csv" ? [rest] : rest.Split(':');
        return new SensorSpec(kind, arguments, text);
    }

    public override string ToString() => Text;
}
