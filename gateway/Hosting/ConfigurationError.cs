namespace SensorStream.Gateway.Hosting;

/// <summary>A setting is missing or wrong; the message names it (flag and environment variable) and says what is wrong.</summary>
public sealed class ConfigurationError(string message) : Exception(message);
