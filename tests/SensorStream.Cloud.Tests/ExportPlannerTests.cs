using SensorStream.Streams.Exporting;

namespace SensorStream.Cloud.Tests;

public sealed class ExportPlannerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

    private static readonly ExportPlanner Planner = new(new ExportOptions
    {
        MaxRowsPerFile = 100, TargetFileBytes = 10_000, MaxSourceBytesPerStep = 1000, MaxChunksPerStep = 3,
        RollAfter = TimeSpan.FromMinutes(5), IdleFlushAfter = TimeSpan.FromSeconds(60),
    });

    private static ChunkSummary Chunk(long seq, long rows = 10, long bytes = 100, int ageSeconds = 0) => new(seq, rows, bytes, T0.AddSeconds(-ageSeconds));

    [Fact]
    public void The_first_chunk_always_fits_even_when_alone_it_is_over_the_limits()
    {
        Assert.True(Planner.Fits([], Chunk(0, rows: 5000, bytes: 50_000)));
    }

    [Theory]
    [InlineData(90, 10, 100, true)]
    [InlineData(90, 11, 100, false)]
    [InlineData(10, 10, 901, false)]
    public void A_chunk_fits_while_rows_and_bytes_stay_within_the_step_limits(long takenRows, long nextRows, long nextBytes, bool fits)
    {
        Assert.Equal(fits, Planner.Fits([Chunk(0, rows: takenRows)], Chunk(1, rows: nextRows, bytes: nextBytes)));
    }

    [Fact]
    public void At_most_the_chunk_limit_fits()
    {
        Assert.False(Planner.Fits([Chunk(0), Chunk(1), Chunk(2)], Chunk(3)));
    }

    private static StagedPart Part(long rows = 10, long bytes = 100, int ageSeconds = 0, int quietSeconds = 0) =>
        new(new OpenPartition("nic", 1, T0.UtcDateTime), [new ChunkSpan(0, 0)], rows, bytes, 1000, T0.AddSeconds(-ageSeconds), T0.AddSeconds(-quietSeconds));

    [Fact]
    public void A_part_rolls_when_full_by_rows_or_bytes_at_the_roll_time_or_after_the_idle_time()
    {
        Assert.Null(Planner.RollReason(Part(rows: 99, bytes: 9_999, ageSeconds: 299, quietSeconds: 59), T0));
        Assert.Equal("100 rows", Planner.RollReason(Part(rows: 100), T0));
        Assert.Equal("10000 bytes", Planner.RollReason(Part(bytes: 10_000), T0));
        // Busy table: the newest rows are fresh but the oldest have waited the roll time.
        Assert.Equal("roll time (300 s open)", Planner.RollReason(Part(ageSeconds: 300), T0));
        Assert.Equal("idle flush (60 s without new rows)", Planner.RollReason(Part(ageSeconds: 60, quietSeconds: 60), T0));
        Assert.Equal(TimeSpan.FromSeconds(20), Planner.NextRollIn([Part(ageSeconds: 10, quietSeconds: 10), Part(ageSeconds: 280, quietSeconds: 0)], T0));
    }

    [Fact]
    public void A_part_takes_rows_while_it_stays_within_one_file()
    {
        Assert.True(Planner.Takes(Part(rows: 90, bytes: 9_000), 10, 1_000));
        Assert.False(Planner.Takes(Part(rows: 90, bytes: 9_000), 11, 1_000));
        Assert.False(Planner.Takes(Part(rows: 90, bytes: 9_000), 10, 1_001));
    }
}
