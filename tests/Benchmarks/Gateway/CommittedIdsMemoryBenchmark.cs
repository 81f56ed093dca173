using System.Collections.Concurrent;
using SensorStream.Gateway.Storage;

namespace SensorStream.Benchmarks.Gateway;

/// <summary>
/// <c>gateway committed-ids [--ids N]</c>: memory held by N committed transaction ids (default 1 M), the way the gateway
/// kept them before (one <c>ConcurrentDictionary&lt;string, long&gt;</c> entry per id: random GUID text → commit time)
/// against <see cref="CommittedSet"/> (sequential ids in ranges; every 1000th id left out as aborted, so 1 in 1000
/// splits a range). Retained managed heap after a full collection, measured in this process one after the other.
/// </summary>
internal static class CommittedIdsMemoryBenchmark
{
    public static void Run(int count)
    {
        Console.WriteLine($"== gateway committed ids in memory: {count:N0} ids");
        var before = Retained(() =>
        {
            var map = new ConcurrentDictionary<string, long>();
            for (var i = 0; i < count; i++) map[JournalFrame.IdText(Guid.NewGuid())] = i;
            return map;
        });
        var ids = new SequentialTransactionIds();
        var after = Retained(() =>
        {
            var set = new CommittedSet();
            for (var i = 1; i <= count; i++)
            {
                var id = ids.Next();
                if (i % 1000 != 0) set.Add(id);
            }
            Console.WriteLine($"  CommittedSet: {set.Count:N0} ids in {set.Ranges:N0} ranges");
            return set;
        });
        var random = Retained(() =>
        {
            var set = new CommittedSet();
            for (var i = 0; i < count; i++) set.Add(Guid.NewGuid());
            return set;
        });
        Console.WriteLine($"  before (dictionary of id text): {before / 1048576.0:F1} MiB ({(double)before / count:F0} bytes per id)");
        Console.WriteLine($"  after (sequential ids, 1 in 1000 aborted): {after / 1048576.0:F2} MiB ({(double)after / count:F2} bytes per id)");
        Console.WriteLine($"  after, random ids of an older data directory (kept one by one): {random / 1048576.0:F1} MiB ({(double)random / count:F0} bytes per id)");
        Console.WriteLine($"  → after/before {(double)after / before:F4}");
    }

    /// <summary>Bytes of managed heap <paramref name="build"/>'s result keeps alive (full, compacting collections around it).</summary>
    private static long Retained(Func<object> build)
    {
        var start = GC.GetTotalMemory(forceFullCollection: true);
        var kept = build();
        var end = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(kept);
        return end - start;
    }
}
