namespace SensorStream.Chaos;

/// <summary>
/// Stalled disks for chosen components: builds <c>Native/fsync_stall.c</c> into an LD_PRELOAD library (needs a C
/// compiler) whose fsync/fdatasync hang while a per-component control file exists. Only the threads that wait for
/// durability block, exactly as on a saturated or failing disk; everything else in the process keeps running.
/// </summary>
public sealed class FsyncStall
{
    private const string ControlVariable = "SENSORSTREAM_FSYNC_STALL_FILE";
    private readonly string _library;
    private readonly string _controlDirectory;

    private FsyncStall(string library, string controlDirectory)
    {
        _library = library;
        _controlDirectory = controlDirectory;
    }

    /// <summary>Builds the library into <paramref name="faultDirectory"/>; null (with the reason logged) where no C compiler is present.</summary>
    public static FsyncStall? TryBuild(string faultDirectory, Action<string> log)
    {
        var source = Path.Combine(AppContext.BaseDirectory, "Native", "fsync_stall.c");
        Directory.CreateDirectory(faultDirectory);
        var library = Path.Combine(faultDirectory, "libfsyncstall.so");
        var (exit, output) = HostCommand.Run("cc", "-shared", "-fPIC", "-O2", "-Wall", "-Werror", "-o", library, source, "-ldl");
        if (exit == 0) return new FsyncStall(library, faultDirectory);
        log($"fsync stalls not available (building {source} failed: {output.Trim()})");
        return null;
    }

    /// <summary>Environment that loads the library into a component, controlled by that component's file.</summary>
    public IReadOnlyDictionary<string, string> EnvironmentFor(string component) => new Dictionary<string, string>
    {
        ["LD_PRELOAD"] = _library,
        [ControlVariable] = ControlFile(component),
    };

    public void Stall(string component) => File.WriteAllText(ControlFile(component), "stalled by the chaos harness\n");

    public void Release(string component) => File.Delete(ControlFile(component));

    private string ControlFile(string component) => Path.Combine(_controlDirectory, $"fsync-stall-{component}");
}
