namespace SensorStream.Gateway.Storage;

/// <summary>A data directory this version cannot open as it is (not damaged): the message says what to do.</summary>
public sealed class DataLayoutException(string message) : Exception(message);
