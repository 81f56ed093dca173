using System.Globalization;

namespace SensorStream.Cli.Monitoring;

/// <summary>One sample of the Prometheus text exposition format.</summary>
public sealed record MetricSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public string? Label(string name) => Labels.TryGetValue(name, out var v) ? v : null;
}

/// <summary>Parses the Prometheus text format (what the edge collector exposes on /metrics).</summary>
public static class PrometheusText
{
    public static IReadOnlyList<MetricSample> Parse(string text)
    {
        var result = new List<MetricSample>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            var labels = new Dictionary<string, string>();
            string name;
            string rest;
            var brace = line.IndexOf('{');
            var space = line.IndexOf(' ');
            if (brace >= 0 && (space < 0 || brace < space))
            {
                name = line[..brace];
                var close = line.IndexOf('}', brace);
                if (close < 0) continue;
                foreach (var pair in SplitLabels(line[(brace + 1)..close]))
                {
                    var eq = pair.IndexOf('=');
                    if (eq > 0) labels[pair[..eq].Trim()] = pair[(eq + 1)..].Trim().Trim('"');
                }
                rest = line[(close + 1)..].Trim();
            }
            else
            {
                if (space < 0) continue;
                name = line[..space];
                rest = line[(space + 1)..].Trim();
            }
            var valueText = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            if (valueText is not null && double.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                result.Add(new MetricSample(name, labels, value));
        }
        return result;
    }

    private static IEnumerable<string> SplitLabels(string text)
    {
        var start = 0;
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '"' && (i == 0 || text[i - 1] != '\\')) quoted = !quoted;
            else if (text[i] == ',' && !quoted)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }
        if (start < text.Length) yield return text[start..];
    }
}
