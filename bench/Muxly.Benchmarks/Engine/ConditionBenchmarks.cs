using System.Text.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Muxly.Router.Conditions;

namespace Muxly.Benchmarks.Engine;

/// <summary>
/// Evaluating a compiled condition against one record (compiled once, as a route run does): on a materialised
/// <see cref="JsonObject"/> (records from PowerShell, the API connector), and on a parsed line not materialised (what
/// the router reads conditions from for jsonl files).
/// </summary>
[MemoryDiagnoser]
public class ConditionBenchmarks
{
    private const int Records = 4096;

    public static readonly IReadOnlyDictionary<string, string> Conditions = new Dictionary<string, string>
    {
        ["simple"] = "amount > 1000",
        ["compound"] = "amount > 1000 AND customer.country == 'US'",
        ["matches"] = "customer.name MATCHES '^(Ana|Ben) S'",
        ["jsonpath"] = "$.customer.country == 'US'",
    };

    private JsonObject[] _records = [];
    private JsonDocument[] _parsed = [];
    private CompiledCondition _condition = null!;

    [ParamsSource(nameof(Names))]
    public string Condition { get; set; } = "simple";

    public static IEnumerable<string> Names => Conditions.Keys;

    [GlobalSetup]
    public void Setup()
    {
        _records = SampleRecords.Parse(Records);
        _parsed = SampleRecords.Lines(Records).Select(line => JsonDocument.Parse(line)).ToArray();
        _condition = ConditionCompiler.Compile(Conditions[Condition]);
    }

    [Benchmark(OperationsPerInvoke = Records)]
    public int Evaluate()
    {
        var matched = 0;
        foreach (var record in _records)
        {
            if (_condition.Evaluate(record))
            {
                matched++;
            }
        }

        return matched;
    }

    [Benchmark(OperationsPerInvoke = Records)]
    public int EvaluateParsed()
    {
        var matched = 0;
        foreach (var document in _parsed)
        {
            if (_condition.Evaluate(document.RootElement))
            {
                matched++;
            }
        }

        return matched;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var document in _parsed)
        {
            document.Dispose();
        }
    }
}
