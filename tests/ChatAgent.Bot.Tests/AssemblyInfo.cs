// One test class at a time. Observed: a bot host disposed while its Hangfire jobs still run leaves the process so
// that later WebApplicationFactory hosts come up without their test server settings (Kestrel tries port 5000), and
// parallel classes made that likelier. Tests also wait for their threads to settle before disposing the host.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
