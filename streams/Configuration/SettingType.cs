namespace SensorStream.Streams.Configuration;

/// <summary>What a <see cref="Setting"/>'s value is, which decides how its text is parsed and how its bounds read.</summary>
public enum SettingType
{
    /// <summary>Any text, taken as given (tokens, host names, connection strings).</summary>
    Text,

    /// <summary>A file or folder path (existence is checked by the component that opens it).</summary>
    Path,

    /// <summary>An absolute <c>http://</c> or <c>https://</c> URL.</summary>
    Url,

    /// <summary>A whole number (a 64-bit integer); bounds in <see cref="Setting.Unit"/>.</summary>
    Integer,

    /// <summary>A finite floating-point number; bounds in <see cref="Setting.Unit"/>.</summary>
    Number,

    /// <summary>A duration in the one syntax of <see cref="DurationText"/> (<c>250ms</c>, <c>2s</c>, <c>1.5m</c>, <c>1h</c>); bounds in milliseconds.</summary>
    Duration,

    /// <summary>One of <see cref="Setting.Choices"/> (case-insensitive, also their <see cref="Setting.Aliases"/>).</summary>
    Choice,

    /// <summary>One character, or <c>tab</c>.</summary>
    Character,

    /// <summary>A list of texts: a repeated flag, a comma-separated environment variable or a JSON array; bounds count its items.</summary>
    List,
}
