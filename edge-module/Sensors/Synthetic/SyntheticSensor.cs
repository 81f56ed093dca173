namespace SensorStream.EdgeModule.Sensors;

/// <summary>
/// Deterministic generator for demos, tests and benchmarks: every value is a pure function of the
/// sample's sequence number, so a reader can check each sample's content, not only its count.
/// <c>Sample</c> = sequence; <c>Value</c> = sin(2π·sequence/1000).
/// </summary>
public sealed class SyntheticSensor(string id) : ISensor
{
    public string SensorId { get; } = id;

    public SensorShape Shape { get; } = new(["Sample"], ["Value"], []);

    public static double ValueAt(long sequence) => Math.Sin(2 * Math.PI * (sequence % 1000) / 1000.0);

    public void Read(long sequence, Span<long> longs, Span<double> doubles)
    {
        longs[0] = sequence;
        doubles[0] = ValueAt(sequence);
    }

    public void Dispose() { }
}
