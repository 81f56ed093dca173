namespace SensorStream.Cli.Local;

/// <summary>Connection details of the local Azurite. The key is Azurite's public, well-known development key.</summary>
public sealed record AzuriteEndpoints(int BlobPort, int QueuePort, int TablePort)
{
    private const string Account = "devstoreaccount1";
    private const string WellKnownDevKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={WellKnownDevKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{Account};" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/{Account};" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/{Account};";
}
