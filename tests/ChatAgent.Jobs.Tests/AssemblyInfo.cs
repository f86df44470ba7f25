// Test classes run one at a time: most start bot processes or race two harnesses on purpose and measure how soon
// something happens (a lock hand-over, a sweep, a restart); on two shared cores, a neighbour class's processes would
// decide those timings instead. Hosts themselves are self-contained (their own Hangfire storage and pools).
[assembly: CollectionBehavior(DisableTestParallelization = true)]
