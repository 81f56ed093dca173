using System.Device.I2c;
using Iot.Device.Imu;

namespace SensorStream.EdgeModule.Sensors;

/// <summary>MPU6050 accelerometer over I2C through Iot.Device.Bindings (the binding already reports m/s²).</summary>
public sealed class Mpu6050Sensor : ISensor
{
    private readonly Mpu6050 _device;

    public Mpu6050Sensor(I2cDevice device, string sensorId)
    {
        SensorId = sensorId;
        _device = new Mpu6050(device);
        var settings = device.ConnectionSettings;
        Shape = SensorShape.Acceleration(new("Device", "mpu6050"), new("Bus", $"i2c-{settings.BusId}:0x{settings.DeviceAddress:x2}"));
    }

    public string SensorId { get; }

    public SensorShape Shape { get; }

    public void Read(long sequence, Span<long> longs, Span<double> doubles)
    {
        var a = _device.GetAccelerometer();
        doubles[0] = a.X;
        doubles[1] = a.Y;
        doubles[2] = a.Z;
    }

    public void Dispose() => _device.Dispose();
}
