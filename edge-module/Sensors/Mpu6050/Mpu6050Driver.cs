using Microsoft.Extensions.Logging;
using SensorStream.Streams.Configuration;

namespace SensorStream.EdgeModule.Sensors;

/// <summary>
/// <see cref="SensorKinds.Mpu6050"/> → <see cref="Mpu6050FifoSensor"/> (<c>:fifo</c>, the default: hardware-timed at the
/// factory's rate) or <see cref="Mpu6050Sensor"/> (<c>:polled</c>: read at every deadline of the sampling loop).
/// </summary>
public static class Mpu6050Driver
{
    /// <summary>The registered driver.</summary>
    public static readonly SensorDriver Driver =
        I2cAddressing.Driver(SensorKinds.Mpu6050, Iot.Device.Imu.Mpu6050.DefaultI2cAddress, (device, id, mode, factory) =>
        {
            try
            {
                return mode == "polled"
                    ? new Mpu6050Sensor(device, id)
                    : new Mpu6050FifoSensor(device, id, factory.RateHz, log: factory.Loggers.CreateLogger<Mpu6050FifoSensor>());
            }
            catch
            {
                device.Dispose();
                throw;
            }
        });
}
