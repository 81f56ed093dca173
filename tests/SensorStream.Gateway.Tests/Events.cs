using System.Buffers.Binary;
using System.Text;
using SensorStream.Streams.Client;

namespace SensorStream.Gateway.Tests;

/// <summary>Test events that identify themselves: <c>key|sequence|padding</c>, so every check can count exactly.</summary>
public static class Events
{
    public static OutgoingEvent Make(string key, long sequence, int size = 0)
    {
        var text = $"{key}|{sequence}|";
        var bytes = new byte[Math.Max(size, Encoding.UTF8.GetByteCount(text))];
        Encoding.UTF8.GetBytes(text, bytes);
        for (var i = Encoding.UTF8.GetByteCount(text); i < bytes.Length; i++) bytes[i] = (byte)('a' + (sequence + i) % 26);
        return new OutgoingEvent(key, bytes);
    }

    public static (string Key, long Sequence) Parse(ReadOnlyMemory<byte> data)
    {
        var text = Encoding.UTF8.GetString(data.Span);
        var parts = text.Split('|');
        return (parts[0], long.Parse(parts[1]));
    }

    public static string Text(ReadOnlyMemory<byte> data) => Encoding.UTF8.GetString(data.Span);

    public static byte[] Blob(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes, seed);
        return bytes;
    }
}
