using SensorStream.Streams.Configuration;

namespace SensorStream.EdgeModule.Sensors;

/// <summary><see cref="SensorKinds.Mpu6050"/> → <see cref="Mpu6050Sensor"/>.</summary>
public static class Mpu6050Driver
{
    /// <summary>The registered driver.</summary>
    public static readonly SensorDriver Driver =
        I2cAddressing.Driver(SensorKinds.Mpu6050, Iot.Device.Imu.Mpu6050.DefaultI2cAddress, (device, id) => new Mpu6050Sensor(device, id));
}
