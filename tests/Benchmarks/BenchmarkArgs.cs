using System.Globalization;

namespace SensorStream.Benchmarks;

/// <summary>The benchmarks' command-line options: <c>--name N</c> pairs after the area and case (see Program.cs's usage).</summary>
internal static class BenchmarkArgs
{
    /// <summary>
    /// The integer after <paramref name="name"/> in <paramref name="args"/>, or <paramref name="fallback"/> when the option
    /// is absent. Throws <see cref="ArgumentException"/> naming the option when its value is missing or not an integer.
    /// </summary>
    public static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        if (i < 0) return fallback;
        if (i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)) return value;
        throw new ArgumentException($"{name} needs an integer value, got '{(i + 1 < args.Length ? args[i + 1] : "")}'");
    }
}
