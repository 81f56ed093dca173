namespace SensorStream.Streams.Client;

/// <summary>
/// A bearer token kept in a file (as secret stores and volumes mount them), so it never has to appear on a command
/// line or in an environment listing.
/// </summary>
public static class TokenFile
{
    /// <summary>The file's text without surrounding whitespace; a <see cref="FormatException"/> naming the file when it is missing or empty.</summary>
    public static string Read(string path)
    {
        if (!File.Exists(path)) throw new FormatException($"'{path}' does not exist");
        var token = File.ReadAllText(path).Trim();
        return token.Length > 0 ? token : throw new FormatException($"'{path}' is empty");
    }
}
