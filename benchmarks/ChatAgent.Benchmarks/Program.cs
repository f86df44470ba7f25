using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/ChatAgent.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
