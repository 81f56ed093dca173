using SensorStream.EdgeModule.Sensors;

namespace SensorStream.EdgeModule.Tests.Sensors;

/// <summary>The real Iot.Device.Bindings LIS3DH driver against an emulated register map: g converted to m/s².</summary>
public sealed class Lis3DhSensorTests
{
    private const double G = 9.80665;

    [Fact]
    public void Lis3dh_reads_g_and_reports_metres_per_second_squared()
    {
        var chip = new EmulatedI2cDevice(1, 0x18, registerMask: 0x7F);
        chip.Registers[0x0F] = 0x33; // WHO_AM_I
        // ±2 g full scale over the 16-bit left-justified register: the binding maps 1 g to 16384.
        chip.SetInt16LittleEndian(0x28, 16384);
        chip.SetInt16LittleEndian(0x2A, -8192);
        chip.SetInt16LittleEndian(0x2C, 0);
        var factory = new SensorFactory { OpenI2c = _ => chip };

        using var sensor = factory.Create(SensorSpec.Parse("lis3dh:1:0x18"));
        var values = new double[3];
        sensor.Read(0, [], values);

        Assert.Equal("lis3dh-1-18", sensor.SensorId);
        Assert.Equal(G, values[0], 2);
        Assert.Equal(-G / 2, values[1], 2);
        Assert.Equal(0, values[2], 3);
    }

    [Fact]
    public void Lis3dh_default_address_is_its_own_not_another_chips()
    {
        var chip = new EmulatedI2cDevice(1, 0x18, registerMask: 0x7F);
        chip.Registers[0x0F] = 0x33;
        var opened = 0;
        using var sensor = new SensorFactory { OpenI2c = s => { opened = s.DeviceAddress; return chip; } }.Create(SensorSpec.Parse("lis3dh:1"));
        Assert.Equal(Iot.Device.Lis3DhAccelerometer.Lis3Dh.DefaultI2cAddress, opened);
        Assert.Equal("lis3dh-1-18", sensor.SensorId);
    }
}
