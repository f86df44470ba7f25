using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/ChatAgent.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(ChatAgent.Benchmarks.Streams).Assembly).Run(args);
