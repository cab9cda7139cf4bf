// Hangfire keeps its job storage in a process-wide static (JobStorage.Current) that every portal started in this test
// process overwrites: two portals running at once would enqueue each other's runs into the wrong storage, and a run
// would wait in "Queued" forever. The portals of these tests therefore run one after another.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
