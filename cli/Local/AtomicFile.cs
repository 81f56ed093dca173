namespace SensorStream.Cli.Local;

/// <summary>Replaces a small text file so that readers see the old or the new content, never a partial one.</summary>
public static class AtomicFile
{
    public static void Write(string path, string content)
    {
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        File.WriteAllText(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }
}
