namespace Pipeline.Sandbox;

/// <summary>The port the sandbox was asked to listen on is taken (by another sandbox, most likely).</summary>
public sealed class SandboxPortInUseException(int port, Exception inner)
    : IOException($"port {port} is in use (another sandbox still running?); stop it, or pick another with --port N (--port 0 takes a free one)", inner)
{
    public int Port { get; } = port;
}
