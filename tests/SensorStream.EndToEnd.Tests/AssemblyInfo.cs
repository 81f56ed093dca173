// These tests run the whole pipeline as processes; running them one at a time keeps a 2-core machine's
// 1 kHz samplers on schedule and the results meaningful.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
