namespace SensorStream.Testing;

/// <summary>The last lines a child process printed (stdout and stderr interleaved), for failure messages.</summary>
public sealed class OutputTail(int capacity = 200)
{
    private readonly Queue<string> _lines = new();
    private readonly Lock _lock = new();

    public void Add(string line)
    {
        lock (_lock)
        {
            _lines.Enqueue(line);
            while (_lines.Count > capacity) _lines.Dequeue();
        }
    }

    public IReadOnlyList<string> Lines
    {
        get { lock (_lock) return [.. _lines]; }
    }

    public override string ToString() => string.Join(Environment.NewLine, Lines);
}
