// Hangfire keeps process-wide state (JobStorage.Current, which Hangfire.NetCore's client falls back to): two bot
// hosts alive at once in one test process can enqueue into each other's storage, and a launch then never runs or
// answers 500. One host at a time. (In production there is one host per process; scale-out tests use processes.)
[assembly: CollectionBehavior(DisableTestParallelization = true)]
