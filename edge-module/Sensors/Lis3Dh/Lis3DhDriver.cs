using SensorStream.Streams.Configuration;

namespace SensorStream.EdgeModule.Sensors;

/// <summary><see cref="SensorKinds.Lis3Dh"/> → <see cref="Lis3DhSensor"/>.</summary>
public static class Lis3DhDriver
{
    /// <summary>The registered driver.</summary>
    public static readonly SensorDriver Driver =
        I2cAddressing.Driver(SensorKinds.Lis3Dh, Iot.Device.Lis3DhAccelerometer.Lis3Dh.DefaultI2cAddress, (device, id) => new Lis3DhSensor(device, id));
}
