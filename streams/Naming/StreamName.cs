namespace SensorStream.Streams.Naming;

/// <summary>A fully qualified stream: <c>scope/stream</c>.</summary>
public sealed record StreamName(string Scope, string Stream)
{
    /// <summary>Parses <c>scope/stream</c>, validating both parts with Pravega's naming rules.</summary>
    public static StreamName Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var slash = text.IndexOf('/');
        if (slash <= 0 || slash != text.LastIndexOf('/') || slash == text.Length - 1)
            throw new FormatException($"'{text}' is not a stream name: expected 'scope/stream'.");
        var name = new StreamName(text[..slash], text[(slash + 1)..]);
        NameRules.EnsureValid(name.Scope, "scope");
        NameRules.EnsureValid(name.Stream, "stream");
        return name;
    }

    public override string ToString() => $"{Scope}/{Stream}";
}
