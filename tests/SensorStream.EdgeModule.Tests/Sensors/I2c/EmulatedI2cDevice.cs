using System.Device.I2c;

namespace SensorStream.EdgeModule.Tests.Sensors;

/// <summary>
/// An I2C chip as a 256-byte register map: the first byte written is the register pointer, further written bytes
/// and read bytes auto-increment it. <paramref name="registerMask"/> strips flag bits some chips take in the
/// address (LIS3DH sets 0x80 for auto-increment). <see cref="OnWrite"/> lets a test emulate side effects; a chip with
/// registers that act when read (a FIFO port, a clear-on-read status) overrides <see cref="ReadRegister"/> and
/// <see cref="Increments"/>. Transfers are serialized on <see cref="Gate"/>, so a test may change the chip meanwhile.
/// </summary>
public class EmulatedI2cDevice(int busId, int address, byte registerMask = 0xFF) : I2cDevice
{
    public byte[] Registers { get; } = new byte[256];

    public Action<byte, byte>? OnWrite { get; set; }

    private byte _pointer;

    public override I2cConnectionSettings ConnectionSettings { get; } = new(busId, address);

    public override byte ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        Read(one);
        return one[0];
    }

    /// <summary>Held during every transfer.</summary>
    protected object Gate { get; } = new();

    public override void Read(Span<byte> buffer)
    {
        lock (Gate)
            for (var i = 0; i < buffer.Length; i++)
            {
                buffer[i] = ReadRegister(_pointer);
                if (Increments(_pointer)) _pointer++;
            }
    }

    /// <summary>The value a read of <paramref name="register"/> returns (default: the register map's byte).</summary>
    protected virtual byte ReadRegister(byte register) => Registers[register];

    /// <summary>Whether a burst read moves on from <paramref name="register"/> (a FIFO port does not).</summary>
    protected virtual bool Increments(byte register) => true;

    public override void WriteByte(byte value) => Write([value]);

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (buffer.Length == 0) return;
        lock (Gate)
        {
            _pointer = (byte)(buffer[0] & registerMask);
            for (var i = 1; i < buffer.Length; i++)
            {
                Registers[_pointer] = buffer[i];
                OnWrite?.Invoke(_pointer, buffer[i]);
                _pointer++;
            }
        }
    }

    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        lock (Gate)
        {
            Write(writeBuffer);
            Read(readBuffer);
        }
    }

    public void SetInt16BigEndian(int register, short value)
    {
        Registers[register] = (byte)(value >> 8);
        Registers[register + 1] = (byte)value;
    }

    public void SetInt16LittleEndian(int register, short value)
    {
        Registers[register] = (byte)value;
        Registers[register + 1] = (byte)(value >> 8);
    }
}
