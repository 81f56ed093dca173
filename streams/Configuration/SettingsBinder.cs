using System.Reflection;

namespace SensorStream.Streams.Configuration;

/// <summary>
/// Sets typed setting values (<see cref="SettingsReader.Parse"/>) on a settings record, each to the property named by
/// its key, on a copy: numbers to int/long/double, choices to an enum (<c>drop-oldest</c> → <c>DropOldest</c>), and any
/// other shape through a converter the component gives. A new setting thus needs its definition and its property only.
/// </summary>
public static class SettingsBinder
{
    /// <param name="baseline">The record to start from (defaults, or the settings in force); not changed.</param>
    /// <param name="values">Typed values by setting key.</param>
    /// <param name="converters">Per key, how a typed value becomes the property's value (e.g. sensor specs); may throw <see cref="FormatException"/>.</param>
    /// <param name="group">The settings, to name one in an error.</param>
    /// <exception cref="SettingException">A converter refused a value.</exception>
    public static T Bind<T>(T baseline, IReadOnlyDictionary<string, object> values, SettingsGroup group,
        IReadOnlyDictionary<string, Func<object, object?>>? converters = null) where T : class
    {
        var copy = (T)(typeof(T).GetMethod("<Clone>$")?.Invoke(baseline, null) ?? throw new InvalidOperationException($"{typeof(T).Name} is not a record"));
        foreach (var (key, value) in values)
        {
            var property = typeof(T).GetProperty(key, BindingFlags.Public | BindingFlags.Instance);
            if (property is null) continue; // a setting another part reads (e.g. the twin's health interval)
            try
            {
                property.SetValue(copy, converters?.GetValueOrDefault(key) is { } convert ? convert(value) : Convert(value, property.PropertyType));
            }
            catch (FormatException e)
            {
                throw new SettingException(group[key], e.Message);
            }
        }
        return copy;
    }

    private static object? Convert(object value, Type target)
    {
        target = Nullable.GetUnderlyingType(target) ?? target;
        return value switch
        {
            _ when target.IsInstanceOfType(value) => value,
            long l when target == typeof(int) => checked((int)l),
            long l when target == typeof(double) => (double)l,
            string s when target.IsEnum => Enum.Parse(target, s.Replace("-", ""), ignoreCase: true),
            TimeSpan t when target == typeof(long) => (long)t.TotalMilliseconds,
            _ => throw new InvalidOperationException($"no conversion from {value.GetType().Name} to {target.Name}"),
        };
    }
}
