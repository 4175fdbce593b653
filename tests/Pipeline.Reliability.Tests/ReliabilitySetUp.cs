using Pipeline.Reliability.Tests.Infrastructure;

namespace Pipeline.Reliability.Tests;

/// <summary>Stops the shared reference world once every case of the assembly has run.</summary>
[SetUpFixture]
public sealed class ReliabilitySetUp
{
    [OneTimeTearDown]
    public async Task StopSharedWorld() => await ReferenceWorld.DisposeSharedAsync();
}
