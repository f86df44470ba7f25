// Hangfire keeps its storage in a process-wide static (JobStorage.Current) that each host sets while it starts; two
// hosts starting at once in one process can pick up each other's storage, and a thread's jobs then never run.
// So the hosts of this assembly run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
