using SensorStream.EdgeModule.Sensors;

namespace SensorStream.EdgeModule.Tests.Sensors;

/// <summary>The ADXL345 kind is recognised and refused with its reason (the 4.2.0 binding is SPI-only).</summary>
public sealed class Adxl345Tests
{
    [Fact]
    public void Adxl345_spec_explains_that_the_binding_is_spi_only()
    {
        var e = Assert.Throws<NotSupportedException>(() => new SensorFactory().Create(SensorSpec.Parse("adxl345:1:0x53")));
        Assert.Contains("SPI-only", e.Message);
        Assert.Contains("mpu6050", e.Message);
    }
}
