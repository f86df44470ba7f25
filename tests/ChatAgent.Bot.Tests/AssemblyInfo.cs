// Bot hosts share Hangfire's process-wide static configuration (GlobalConfiguration, JobStorage.Current),
// so two hosts starting at once in one test process could pick up each other's storage: run test classes one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
