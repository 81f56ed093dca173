namespace SensorStream.Cloud.Tests.Infrastructure;

/// <summary>A clock the test moves by hand (for roll and idle-flush times).</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;
}
