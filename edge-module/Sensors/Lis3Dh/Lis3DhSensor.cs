using System.Device.I2c;
using Iot.Device.Lis3DhAccelerometer;

namespace SensorStream.EdgeModule.Sensors;

/// <summary>LIS3DH accelerometer over I2C through Iot.Device.Bindings; the binding reports g, converted here to m/s².</summary>
public sealed class Lis3DhSensor : ISensor
{
    /// <summary>Standard gravity: 1 g in m/s².</summary>
    public const double StandardGravity = 9.80665;

    private readonly Lis3Dh _device;

    public Lis3DhSensor(I2cDevice device, string sensorId)
    {
        SensorId = sensorId;
        // 1344 Hz high-resolution output keeps a fresh value for every 1 kHz sample.
        _device = Lis3Dh.Create(device, DataRate.HighResolutionNormal1344HzOrLowPowerMode5376Hz,
            OperatingMode.HighResolutionMode, AccelerationScale.Scale02G);
        var settings = device.ConnectionSettings;
        Shape = SensorShape.Acceleration(new("Device", "lis3dh"), new("Bus", $"i2c-{settings.BusId}:0x{settings.DeviceAddress:x2}"));
    }

    public string SensorId { get; }

    public SensorShape Shape { get; }

    public void Read(long sequence, Span<long> longs, Span<double> doubles)
    {
        var g = _device.Acceleration;
        doubles[0] = g.X * StandardGravity;
        doubles[1] = g.Y * StandardGravity;
        doubles[2] = g.Z * StandardGravity;
    }

    public void Dispose() => _device.Dispose();
}
