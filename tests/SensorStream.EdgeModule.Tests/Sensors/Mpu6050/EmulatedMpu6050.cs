using SensorStream.EdgeModule.Sensors;

namespace SensorStream.EdgeModule.Tests.Sensors;

/// <summary>
/// An MPU6050 with its FIFO, as the MPU-6000/6050 Register Map rev 4.2 describes it, on a virtual clock the test moves:
/// <see cref="Sample"/> takes samples one chip period apart (CONFIG.DLPF_CFG and SMPLRT_DIV give the period, 4.2/4.3) and,
/// while USER_CTRL.FIFO_EN and FIFO_EN.ACCEL_FIFO_EN are set, appends ACCEL_XOUT_H … ACCEL_ZOUT_L to the FIFO (4.7).
/// The FIFO holds 1024 bytes; when full, the oldest bytes are dropped for new ones and INT_STATUS.FIFO_OFLOW_INT is
/// set if INT_ENABLE.FIFO_OFLOW_EN is (4.15, 4.16; INT_STATUS clears when read). Reading FIFO_COUNT_H latches the count
/// into FIFO_COUNT_H/L (4.30); FIFO_R_W pops one byte per read and a burst read stays on it (4.31); writing
/// USER_CTRL.FIFO_RESET empties the FIFO and the bit clears itself (4.27). WHO_AM_I reads 0x68.
/// </summary>
public sealed class EmulatedMpu6050 : EmulatedI2cDevice
{
    private const byte FifoEn = 0x23, AccelFifoEn = 0x08, FifoCountH = 0x72, FifoCountL = 0x73, FifoRw = 0x74, WhoAmI = 0x75;

    private readonly Queue<byte> _fifo = new();
    private int _latchedCount;
    private long _now;

    /// <param name="startNanos">The virtual clock's start (ns since the Unix epoch).</param>
    public EmulatedMpu6050(long startNanos, int busId = 1, int address = 0x68) : base(busId, address)
    {
        _now = startNanos;
        Registers[WhoAmI] = 0x68;
        OnWrite = (register, value) =>
        {
            if (register != Mpu6050FifoSensor.UserCtrl || (value & Mpu6050FifoSensor.UserCtrlFifoReset) == 0) return;
            _fifo.Clear();
            Registers[register] &= unchecked((byte)~Mpu6050FifoSensor.UserCtrlFifoReset);
        };
    }

    /// <summary>The virtual clock: the time of the last sample taken (ns since the Unix epoch).</summary>
    public long NowNanos => Volatile.Read(ref _now);

    /// <summary>The chip's sample period from its registers.</summary>
    public long PeriodNanos => Mpu6050FifoSensor.ChipPeriodNanos(Registers[Mpu6050FifoSensor.Config], Registers[Mpu6050FifoSensor.SmplrtDiv]);

    /// <summary>Samples taken so far.</summary>
    public long Taken { get; private set; }

    /// <summary>Bytes in the FIFO now.</summary>
    public int FifoLength
    {
        get { lock (Gate) return _fifo.Count; }
    }

    /// <summary>Takes <paramref name="count"/> samples, one period apart, in one step no I2C transfer can interleave with; <paramref name="value"/> gives sample k's raw X, Y, Z (k counts from 0).</summary>
    public void Sample(int count, Func<long, (short X, short Y, short Z)> value)
    {
        lock (Gate)
        {
            var fifoOn = (Registers[Mpu6050FifoSensor.UserCtrl] & Mpu6050FifoSensor.UserCtrlFifoEnable) != 0 && (Registers[FifoEn] & AccelFifoEn) != 0;
            for (var i = 0; i < count; i++, Taken++)
            {
                Volatile.Write(ref _now, _now + PeriodNanos);
                var (x, y, z) = value(Taken);
                SetInt16BigEndian(0x3B, x);
                SetInt16BigEndian(0x3D, y);
                SetInt16BigEndian(0x3F, z);
                if (!fifoOn) continue;
                for (var r = 0x3B; r < 0x41; r++)
                {
                    if (_fifo.Count == Mpu6050FifoSensor.FifoBytes)
                    {
                        _fifo.Dequeue();
                        if ((Registers[Mpu6050FifoSensor.IntEnable] & Mpu6050FifoSensor.FifoOverflowBit) != 0)
                            Registers[Mpu6050FifoSensor.IntStatus] |= Mpu6050FifoSensor.FifoOverflowBit;
                    }
                    _fifo.Enqueue(Registers[r]);
                }
            }
        }
    }

    protected override byte ReadRegister(byte register)
    {
        switch (register)
        {
            case FifoCountH:
                _latchedCount = _fifo.Count;
                return (byte)(_latchedCount >> 8);
            case FifoCountL:
                return (byte)_latchedCount;
            case FifoRw:
                return _fifo.Count > 0 ? _fifo.Dequeue() : (byte)0xFF;
            case Mpu6050FifoSensor.IntStatus:
                var status = Registers[register];
                Registers[register] = 0;
                return status;
            default:
                return Registers[register];
        }
    }

    protected override bool Increments(byte register) => register != FifoRw;
}
