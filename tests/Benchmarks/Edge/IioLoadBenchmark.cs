using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging.Abstractions;
using SensorStream.EdgeModule.Sampling;
using SensorStream.EdgeModule.Sensors;
using SensorStream.Testing;

namespace SensorStream.Benchmarks.Edge;

/// <summary>
/// <c>edge iio [--seconds N]</c>: the IIO path (<see cref="IioSensor"/> drained by <see cref="BufferedSampler"/>) at 1 kHz and
/// 4 kHz for N seconds each (default 20; the issue asks 60) while one busy-looping process per core loads the CPU. The
/// emulated device (<see cref="EmulatedIioDevice"/>: a sysfs tree and a FIFO for <c>/dev/iio:device0</c>) is fed by a writer
/// thread acting as the kernel: the hrtimer trigger's scan k carries the timestamp <c>start + k·period</c> whenever the writer
/// gets to write it, and the buffer holds <c>buffer/length</c> = 2 s of scans (the pipe is sized to it): a scan that finds it
/// full is dropped, as the kernel drops it, and shows up as a gap. Reported: scans the device took, read, missed (timestamp
/// gaps, goal 0) and dropped by the full buffer, and CPU per sensor = (process CPU − the writer thread's CPU) / duration.
/// </summary>
internal static class IioLoadBenchmark
{
    private const int FionRead = 0x541B, SetPipeSize = 1031; // ioctl FIONREAD, fcntl F_SETPIPE_SZ (Linux)

    public static void Run(TimeSpan duration)
    {
        Console.WriteLine($"== edge IIO under load: {duration.TotalSeconds:F0} s per rate (pass --seconds 60 for the issue's minute), " +
                          $"{Environment.ProcessorCount} busy-loop processes (one per core)");
        var load = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => Process.Start(new ProcessStartInfo("sh", ["-c", "while :; do :; done"]) { UseShellExecute = false })!).ToList();
        try
        {
            foreach (var rate in new[] { 1000, 4000 }) Measure(rate, duration);
        }
        finally
        {
            foreach (var p in load)
            {
                p.Kill();
                p.WaitForExit();
                p.Dispose();
            }
        }
    }

    private static void Measure(int rateHz, TimeSpan duration)
    {
        var dir = Directory.CreateTempSubdirectory("edge-bench-iio").FullName;
        try
        {
            var device = new EmulatedIioDevice(dir);
            using var sensor = new IioSensor("0", ["accel_x", "accel_y", "temp", "accel_z"], "hrtimer0", rateHz, device.SysfsRoot, device.DevRoot);
            long read = 0;
            using var sampler = new BufferedSampler(sensor, new SamplerOptions { BatchSize = 1000, FlushInterval = TimeSpan.FromSeconds(1) },
                nextSequence: 0, b => Interlocked.Add(ref read, b.Count), NullLogger.Instance);
            var process = Process.GetCurrentProcess();
            var cpuBefore = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            sampler.Start();
            var writer = new KernelWriter(device, rateHz, duration);
            var thread = new Thread(writer.Run) { IsBackground = true, Name = "iio-kernel" };
            thread.Start();
            thread.Join();
            var deadline = Stopwatch.StartNew();
            while (Interlocked.Read(ref read) + sampler.Stats.Missed < writer.Taken && deadline.Elapsed < TimeSpan.FromSeconds(10))
                Thread.Sleep(10); // the reader catches up with the last scans (polled, bounded)
            sampler.StopAsync().Wait();
            clock.Stop();
            process.Refresh();
            var cpu = (process.TotalProcessorTime - cpuBefore - writer.CpuTime).TotalSeconds;
            var s = sampler.Stats;
            Console.WriteLine($"  {rateHz} Hz: scans taken {writer.Taken:N0}, read {s.Samples:N0}, missed {s.Missed} (goal 0), dropped by the full buffer {writer.Dropped}; " +
                              $"CPU per sensor {cpu / clock.Elapsed.TotalSeconds:P2} of a core ({cpu * 1e6 / Math.Max(1, s.Samples):F1} µs per sample); " +
                              $"load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The kernel's side: scans at exact trigger times into a buffer of 2 s of scans, dropping what does not fit.</summary>
    private sealed class KernelWriter(EmulatedIioDevice device, int rateHz, TimeSpan duration)
    {
        public long Taken { get; private set; }

        public long Dropped { get; private set; }

        public TimeSpan CpuTime { get; private set; }

        public void Run()
        {
            var cpuBefore = ThreadCpu();
            using var fifo = device.OpenWriter();
            var fd = (int)fifo.SafeFileHandle.DangerousGetHandle();
            var capacity = Fcntl(fd, SetPipeSize, 2 * rateHz * EmulatedIioDevice.ScanBytes);
            if (capacity < 0) capacity = 65536; // F_SETPIPE_SZ refused: the default pipe size
            var period = 1_000_000_000L / rateHz;
            var start = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
            var clock = Stopwatch.StartNew();
            var total = (long)(duration.TotalSeconds * rateHz);
            var chunk = new byte[EmulatedIioDevice.ScanBytes * 4096];
            while (Taken < total)
            {
                var due = Math.Min(total, (long)(clock.Elapsed.TotalSeconds * rateHz)) - Taken;
                if (due <= 0)
                {
                    Thread.Sleep(1); // the trigger's next tick
                    continue;
                }
                var room = Ioctl(fd, FionRead, out var queued) == 0 ? (capacity - queued) / EmulatedIioDevice.ScanBytes : due;
                var n = (int)Math.Min(due, chunk.Length / EmulatedIioDevice.ScanBytes); // this round's scans
                var fit = (int)Math.Clamp(room, 0, n); // the rest finds the buffer full
                for (var i = 0; i < fit; i++)
                    EmulatedIioDevice.Scan(start + (Taken + i) * period, (short)(Taken + i), 0, 0, 0).CopyTo(chunk, i * EmulatedIioDevice.ScanBytes);
                if (fit > 0) fifo.Write(chunk, 0, fit * EmulatedIioDevice.ScanBytes);
                Dropped += n - fit;
                Taken += n;
            }
            CpuTime = ThreadCpu() - cpuBefore;
        }

        /// <summary>This thread's user + system time (/proc/thread-self/stat fields 14 and 15, in clock ticks of 10 ms).</summary>
        private static TimeSpan ThreadCpu()
        {
            var stat = File.ReadAllText("/proc/thread-self/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromMilliseconds(ticks * 10);
        }
    }

    [DllImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static extern int Fcntl(int fd, int command, int argument);

    [DllImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static extern int Ioctl(int fd, int request, out int value);
}
