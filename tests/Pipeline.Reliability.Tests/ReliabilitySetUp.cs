using Pipeline.Reliability.Tests.Infrastructure;

namespace Pipeline.Reliability.Tests;

/// <summary>Stops the shared reference world (and deletes the CLI copy for user nobody) once every case of the assembly has run.</summary>
[SetUpFixture]
public sealed class ReliabilitySetUp
{
    [OneTimeTearDown]
    public async Task StopSharedWorld()
    {
        await ReferenceWorld.DisposeSharedAsync();
        if (OperatingSystem.IsLinux())
        {
            UnprivilegedCli.DeleteCopy();
        }
    }
}
