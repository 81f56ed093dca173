using Grpc.Core;
using Polly;
using Polly.Retry;

namespace SensorStream.Streams.Client;

/// <summary>Retry pipeline for idempotent gateway calls: UNAVAILABLE only, capped exponential back-off with jitter.</summary>
internal static class TransientRetry
{
    public static ResiliencePipeline Create(int maxAttempts) =>
        maxAttempts <= 0
            ? ResiliencePipeline.Empty
            : new ResiliencePipelineBuilder()
                .AddRetry(new RetryStrategyOptions
                {
                    ShouldHandle = new PredicateBuilder().Handle<RpcException>(IsTransient),
                    MaxRetryAttempts = maxAttempts,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = TimeSpan.FromMilliseconds(100),
                    MaxDelay = TimeSpan.FromSeconds(2),
                })
                .Build();

    public static bool IsTransient(RpcException e) => e.StatusCode is StatusCode.Unavailable;
}
