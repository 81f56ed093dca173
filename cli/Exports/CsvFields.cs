using System.Text;

namespace SensorStream.Cli.Exports;

/// <summary>Minimal RFC 4180 reader (quoted fields, doubled quotes, CRLF or LF), written independently of the exporter.</summary>
public static class CsvFields
{
    public static IEnumerable<List<string>> Records(TextReader reader)
    {
        var record = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var any = false;
        int c;
        while ((c = reader.Read()) >= 0)
        {
            any = true;
            if (quoted)
            {
                if (c == '"')
                {
                    if (reader.Peek() == '"') { field.Append('"'); reader.Read(); }
                    else quoted = false;
                }
                else field.Append((char)c);
                continue;
            }
            switch (c)
            {
                case '"': quoted = true; break;
                case ',': record.Add(field.ToString()); field.Clear(); break;
                case '\r': break;
                case '\n':
                    record.Add(field.ToString()); field.Clear();
                    yield return record;
                    record = [];
                    any = false;
                    break;
                default: field.Append((char)c); break;
            }
        }
        if (any)
        {
            record.Add(field.ToString());
            yield return record;
        }
    }
}
