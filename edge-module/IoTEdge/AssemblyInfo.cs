using System.Runtime.CompilerServices;

// The IoT Edge client's tests drive its internal pieces (connection, twin) directly.
[assembly: InternalsVisibleTo("SensorStream.IoTEdge.Tests")]
