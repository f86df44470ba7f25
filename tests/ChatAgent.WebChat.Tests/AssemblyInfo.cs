// Test classes run one at a time: each browser scenario drives a real headless Chromium (a few hundred MB and most of
// a core), and two at once on a two-core machine only trade wall time for missed deadlines. Hosts themselves are
// self-contained (their own Hangfire storage and pools) and could run side by side.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
