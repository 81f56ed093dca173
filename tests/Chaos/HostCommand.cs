using System.Diagnostics;

namespace SensorStream.Chaos;

/// <summary>Runs a host tool (cc, mount, umount) to completion and returns its exit code and output.</summary>
public static class HostCommand
{
    public static (int Exit, string Output) Run(string file, params string[] args)
    {
        try
        {
            var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in args) info.ArgumentList.Add(a);
            using var process = Process.Start(info)!;
            var error = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output + error.Result);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message); // the tool is not installed
        }
    }
}
