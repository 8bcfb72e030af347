using BenchmarkDotNet.Running;
using Gatehouse.Decisions.Benchmarks;

// Reproduce bench/results/counters.md from the repository root, with the test Redis running (scripts/start-redis.sh):
//   dotnet run -c Release --project bench/Gatehouse.Decisions.Benchmarks -- --filter '*' --job short
//   dotnet run -c Release --project bench/Gatehouse.Decisions.Benchmarks -- --filter '*LimitCost*' --job medium
//   dotnet run -c Release --project bench/Gatehouse.Decisions.Benchmarks -- redis-commands
//   dotnet run -c Release --project bench/Gatehouse.Decisions.Benchmarks -- memory
return args.FirstOrDefault() switch
{
    "redis-commands" => await RedisCommandCount.RunAsync(Console.Out),
    "memory" => await Memory(),
    _ => Benchmarks(args),
};

static async Task<int> Memory()
{
    await MemoryCost.RunAsync(Console.Out);
    return 0;
}

static int Benchmarks(string[] args)
{
    var summaries = BenchmarkSwitcher.FromAssembly(typeof(LimitCostBenchmarks).Assembly).Run(args);
    return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
}
