// Test classes run one at a time. Not for Hangfire (each host has its own storage, activator and pools; TwoHostsTests
// runs two side by side), but because the product's telemetry is process-wide (ChatAgentTelemetry's static
// ActivitySource and Meter): the tracing, metrics and redaction tests assert exact spans and counts, which another
// class's host would add to. On two shared cores, parallel classes also buy little and squeeze every deadline.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
