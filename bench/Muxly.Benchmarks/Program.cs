using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Muxly.Benchmarks.Router;
using Muxly.Benchmarks.Webhooks;

namespace Muxly.Benchmarks;

/// <summary>
/// One executable for everything build.ps1 Bench needs from C#:
/// <list type="bullet">
/// <item><c>engine [--quick] [BenchmarkDotNet options]</c>: the engine benchmarks (all of them unless <c>--filter</c>
/// is given). <c>--quick</c> runs each once, in process, to check the harness in seconds; its numbers mean nothing.</item>
/// <item><c>generate --count N --out PATH [--seed S]</c>: N synthetic orders as JSONL (<see cref="OrderGenerator"/>).</item>
/// <item><c>limit --workload short|long|csv --in PATH --out PATH</c>: the plain C# loop (<see cref="LimitLoop"/>).</item>
/// <item><c>compare --format jsonl|csv FILE...</c>: whether the files hold the same records
/// (<see cref="CanonicalRecords"/>); exit code 0 if they do, 1 if not.</item>
/// <item><c>webhook-load --url URL --secret whsec_... (--duration S | --requests N) [--connections C] [--warmup S]</c>:
/// signed webhook calls on C connections (<see cref="WebhookLoad"/>); one JSON line of counts and latencies.</item>
/// <item><c>webhook-baseline (--duration S | --requests N) [--connections C] [--warmup S]</c>: the same load against a
/// <see cref="TrivialListener"/> in this process, the ceiling of HttpListener on this machine.</item>
/// <item><c>webhook-check --database PATH</c>: the webhook executions a load run left (<see cref="WebhookLoadCheck"/>).</item>
/// </list>
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: Muxly.Benchmarks engine|generate|limit|compare|webhook-load|webhook-baseline|webhook-check [options]");
            return 2;
        }

        var rest = args[1..];
        switch (args[0])
        {
            case "engine":
                return RunEngine(rest);
            case "generate":
            {
                var options = Options(rest);
                var count = long.Parse(options["count"], CultureInfo.InvariantCulture);
                var seed = options.TryGetValue("seed", out var s) ? ulong.Parse(s, CultureInfo.InvariantCulture) : OrderGenerator.DefaultSeed;
                var bytes = OrderGenerator.Write(options["out"], count, seed);
                Console.WriteLine($$"""{"records": {{count}}, "bytes": {{bytes}}}""");
                return 0;
            }

            case "limit":
            {
                var options = Options(rest);
                var clock = Stopwatch.StartNew();
                var (read, written) = LimitLoop.Run(options["workload"], options["in"], options["out"]);
                Console.WriteLine($$"""{"read": {{read}}, "written": {{written}}, "seconds": {{clock.Elapsed.TotalSeconds.ToString("R", CultureInfo.InvariantCulture)}}}""");
                return 0;
            }

            case "compare":
            {
                if (rest.Length < 4 || rest[0] != "--format")
                {
                    Console.Error.WriteLine("usage: compare --format jsonl|csv REFERENCE OTHER...");
                    return 2;
                }

                return CanonicalRecords.Compare(rest[1], rest[2..], Console.Out) ? 0 : 1;
            }

            case "webhook-load":
                return WebhookLoad.Run(Options(rest), Console.Out);

            case "webhook-check":
                return WebhookLoadCheck.Run(Options(rest)["database"], Console.Out);

            case "webhook-baseline":
            {
                var options = Options(rest);
                using var trivial = new TrivialListener(acceptLoops: 2 * Environment.ProcessorCount);
                options["url"] = trivial.Prefix + "hooks/baseline";
                options["secret"] = "whsec_" + Convert.ToBase64String(new byte[24]);
                return WebhookLoad.Run(options, Console.Out);
            }

            default:
                Console.Error.WriteLine($"Unknown command '{args[0]}'. Commands: engine, generate, limit, compare, webhook-load, webhook-baseline, webhook-check.");
                return 2;
        }
    }

    private static int RunEngine(string[] args)
    {
        var quick = args.Contains("--quick");
        var rest = args.Where(a => a != "--quick").ToList();
        if (!rest.Contains("--filter"))
        {
            // Without a filter BenchmarkDotNet asks which to run; Bench runs them all.
            rest.AddRange(["--filter", "*"]);
        }

        var config = DefaultConfig.Instance
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddExporter(JsonExporter.Brief)
            .WithOptions(ConfigOptions.JoinSummary);
        if (quick)
        {
            config = config.AddJob(BenchmarkDotNet.Jobs.Job.Dry.WithToolchain(InProcessEmitToolchain.Instance).WithId("Quick"));
        }
        else if (!rest.Contains("--job") && !rest.Contains("-j"))
        {
            // One process per benchmark, 3 warm-up and 9 measured iterations: the median with min and max of 9, and the
            // whole engine suite in minutes rather than the default job's most of an hour.
            config = config.AddJob(BenchmarkDotNet.Jobs.Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(9).WithId("Bench"));
        }

        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest.ToArray(), config);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }

    private static Dictionary<string, string> Options(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Expected an option such as --count, not '{args[i]}'.");
            }

            options[args[i][2..]] = args[i + 1];
        }

        return options;
    }
}
