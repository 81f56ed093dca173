namespace SensorStream.Streams.Client;

/// <summary>Writes secrets (private keys, tokens) so that only the owner can read them, at no moment wider.</summary>
public static class OwnerOnlyFile
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Replaces <paramref name="path"/> atomically with <paramref name="text"/>, mode 0600.</summary>
    public static void Write(string path, string text)
    {
        var temp = path + ".tmp";
        File.Delete(temp); // the create mode applies only to a new file: never reuse a leftover with other permissions
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerReadWrite;
        using (var writer = new StreamWriter(new FileStream(temp, options)))
            writer.Write(text);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>True when group and others have no access (always true where there are no Unix modes).</summary>
    public static bool IsOwnerOnly(string path) =>
        OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & ~(OwnerReadWrite | UnixFileMode.UserExecute)) == 0;
}
