namespace SensorStream.Streams.Naming;

/// <summary>
/// Pravega's rules for scope and stream names: letters, digits, '-' and '.', at most 255 characters.
/// They also keep every name a safe single path component (no separators, no "." or "..").
/// </summary>
public static class NameRules
{
    public const int MaxLength = 255;

    /// <summary>Returns null when <paramref name="name"/> is valid, else a reason naming what is wrong.</summary>
    public static string? Problem(string? name, string what)
    {
        if (string.IsNullOrEmpty(name)) return $"{what} name is empty";
        if (name.Length > MaxLength) return $"{what} name '{name[..32]}…' is longer than {MaxLength} characters";
        if (name is "." or "..") return $"{what} name '{name}' is reserved";
        foreach (var c in name)
        {
            var ok = char.IsAsciiLetterOrDigit(c) || c is '-' or '.';
            if (!ok) return $"{what} name '{name}' contains '{c}' (allowed: letters, digits, '-', '.')";
        }
        return null;
    }

    public static void EnsureValid(string? name, string what)
    {
        var problem = Problem(name, what);
        if (problem is not null) throw new ArgumentException(problem, what);
    }
}
