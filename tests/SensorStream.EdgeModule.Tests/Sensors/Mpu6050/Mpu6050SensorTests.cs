using System.Device.I2c;
using SensorStream.EdgeModule.Sensors;

namespace SensorStream.EdgeModule.Tests.Sensors;

/// <summary>The real Iot.Device.Bindings MPU6050 driver, polled (<c>:polled</c>), against an emulated register map: values arrive in m/s².</summary>
public sealed class Mpu6050SensorTests
{
    [Fact]
    public void Mpu6050_reads_acceleration_in_metres_per_second_squared()
    {
        var chip = new EmulatedI2cDevice(1, 0x68);
        chip.Registers[0x75] = 0x68; // WHO_AM_I
        // ±2 g range: 16384 LSB per g.
        chip.SetInt16BigEndian(0x3B, 16384);
        chip.SetInt16BigEndian(0x3D, -8192);
        chip.SetInt16BigEndian(0x3F, 0);
        var factory = new SensorFactory
        {
            OpenI2c = s =>
            {
                Assert.Equal((1, 0x68), (s.BusId, s.DeviceAddress));
                return chip;
            },
        };

        using var sensor = factory.Create(SensorSpec.Parse("mpu6050:1:0x68:polled"));
        var values = new double[3];
        sensor.Read(0, [], values);

        Assert.Equal("mpu6050-1-68", sensor.SensorId);
        Assert.Equal(["X", "Y", "Z"], sensor.Shape.DoubleColumns);
        // The binding uses g = 9.807.
        Assert.Equal(9.807, values[0], 3);
        Assert.Equal(-9.807 / 2, values[1], 3);
        Assert.Equal(0, values[2], 3);
    }

    [Theory]
    [InlineData("mpu6050:x:0x68", "bus a non-negative integer")]
    [InlineData("mpu6050:1:0x99", "not a 7-bit I2C address")]
    [InlineData("gyro:1", "unknown sensor kind 'gyro'")]
    public void Bad_i2c_specs_are_rejected_with_the_reason(string spec, string reason)
    {
        var e = Assert.ThrowsAny<FormatException>(() => new SensorFactory { OpenI2c = s => new EmulatedI2cDevice(s.BusId, s.DeviceAddress) }.Create(SensorSpec.Parse(spec)));
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void I2c_default_address_is_the_chips_default()
    {
        I2cConnectionSettings? opened = null;
        var chip = new EmulatedI2cDevice(3, 0x68);
        chip.Registers[0x75] = 0x68;
        using var sensor = new SensorFactory { OpenI2c = s => { opened = s; return chip; } }.Create(SensorSpec.Parse("mpu6050:3:polled"));
        Assert.Equal(3, opened!.BusId);
        Assert.Equal(0x68, opened.DeviceAddress);
        Assert.Equal(sensor.SensorId, SensorFactory.SensorIdOf(SensorSpec.Parse("mpu6050:3")));
    }
}
