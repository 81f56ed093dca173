namespace SensorStream.Cli;

/// <summary>A failure the user can act on: printed as one line (<c>sensorstream: message</c>) with its <see cref="ExitCodes"/> code.</summary>
public sealed class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
