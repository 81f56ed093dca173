namespace SensorStream.Cloud.Tests.Infrastructure;

/// <summary>
/// Test classes share servers per collection: starting Azurite (node) costs several seconds on this machine, so the
/// storage-only classes share one Azurite and the gateway classes share one gateway + Azurite. Tests keep apart by
/// stream name. A test that restarts a server has a class of its own.
/// </summary>
[CollectionDefinition(Name)]
public sealed class StorageCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "storage";
}

[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<GatewayFixture>
{
    public const string Name = "gateway";
}
