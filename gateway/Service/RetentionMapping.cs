using SensorStream.Gateway.Storage;
using SensorStream.Streams.Protocol;

namespace SensorStream.Gateway.Service;

/// <summary>Wire retention policy → store retention. Absent, or a parameter of 0, means "keep everything".</summary>
public static class RetentionMapping
{
    public static (RetentionKind Kind, long Param) FromWire(RetentionPolicy? policy)
    {
        if (policy is null || policy.RetentionParam == 0) return (RetentionKind.None, 0);
        if (policy.RetentionParam < 0)
            throw new StoreException(StoreError.InvalidArgument, $"retention_param {policy.RetentionParam} is negative");
        return policy.RetentionType switch
        {
            RetentionPolicy.Types.RetentionPolicyType.Time => (RetentionKind.Time, policy.RetentionParam),
            RetentionPolicy.Types.RetentionPolicyType.Size => (RetentionKind.Size, policy.RetentionParam),
            var other => throw new StoreException(StoreError.InvalidArgument, $"retention_type {other} is not supported"),
        };
    }
}
