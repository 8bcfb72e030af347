using BenchmarkDotNet.Running;
using Gatehouse.Policy.Benchmarks;

// Reproduce bench/results/policy-decision.md with:
//   dotnet run -c Release --project bench/Gatehouse.Policy.Benchmarks -- --filter '*' --job short
BenchmarkSwitcher.FromAssembly(typeof(DecisionBenchmarks).Assembly).Run(args);
