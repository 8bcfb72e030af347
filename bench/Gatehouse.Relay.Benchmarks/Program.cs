using BenchmarkDotNet.Running;
using Gatehouse.Relay.Benchmarks;

// Reproduce bench/results/wire-reading.md from the repository root:
//   dotnet run -c Release --project bench/Gatehouse.Relay.Benchmarks -- --filter '*' --job short
var summaries = BenchmarkSwitcher.FromAssembly(typeof(WireReadingBenchmarks).Assembly).Run(args);
return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
