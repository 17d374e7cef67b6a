using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Muxly.Destinations;
using Muxly.Destinations.Databases;
using Muxly.Router.Runs;

namespace Muxly.Benchmarks.Engine;

/// <summary>
/// The SQLite destination against the limit, a plain prepared-statement loop. Both get the same parsed records (as the
/// router hands them over), fill the same eight columns of the same table in a fresh file each iteration, open their
/// own connection and prepare their statement inside the measured time. The destination maps columns through its
/// config and commits every <c>batch_size</c> rows; the loop reads each field with a hand-written typed accessor and
/// commits once.
/// </summary>
[MemoryDiagnoser]
public class SqliteDestinationBenchmarks
{
    public const int Rows = 20_000;

    private const string CreateTable =
        "CREATE TABLE orders (id INTEGER, created_at TEXT, status TEXT, currency TEXT, customer_id TEXT, country TEXT, amount REAL, note TEXT)";

    private const string Insert =
        "INSERT INTO orders (id, created_at, status, currency, customer_id, country, amount, note) VALUES ($id, $created_at, $status, $currency, $customer_id, $country, $amount, $note)";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "muxly-bench-sqlite-" + Guid.NewGuid().ToString("N"));
    private JsonObject[] _records = [];
    private DestinationSettings _settings = null!;

    [Params(1000)]
    public int BatchSize { get; set; }

    /// <summary>
    /// wal: a database as the destination creates it (WAL, and synchronous=NORMAL on both connections); delete: an
    /// existing rollback-journal database with SQLite's defaults, where every commit flushes to disk.
    /// </summary>
    [Params("wal", "delete")]
    public string Journal { get; set; } = "wal";

    private string DatabasePath => Path.Combine(_folder, "orders.db");

    [GlobalSetup]
    public void Setup()
    {
        Directory.CreateDirectory(_folder);
        _records = SampleRecords.Parse(Rows);
        _settings = new DestinationSettings("bench", new JsonObject
        {
            ["provider"] = "sqlite",
            ["path"] = DatabasePath,
            ["table"] = "orders",
            ["batch_size"] = BatchSize,
            ["columns"] = new JsonObject
            {
                ["id"] = "id", ["created_at"] = "created_at", ["status"] = "status", ["currency"] = "currency",
                ["customer_id"] = "customer.id", ["country"] = "customer.country", ["amount"] = "amount", ["note"] = "note",
            },
        });
    }

    /// <summary>A fresh database file holding the empty table, so every iteration starts alike.</summary>
    [IterationSetup]
    public void FreshTable()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.EnumerateFiles(_folder))
        {
            File.Delete(file);
        }

        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA journal_mode = {Journal}; {CreateTable}";
        command.ExecuteNonQuery();
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    [Benchmark(OperationsPerInvoke = Rows)]
    public long DatabaseDestination()
    {
        using var writer = new DatabaseDestination().Open(_settings, new RunContext());
        foreach (var record in _records)
        {
            writer.Write(record);
        }

        writer.Complete();
        return _records.Length;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Rows)]
    public long PreparedStatementLoop()
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.CommandText = Insert;
        var id = command.Parameters.Add("$id", SqliteType.Integer);
        var createdAt = command.Parameters.Add("$created_at", SqliteType.Text);
        var status = command.Parameters.Add("$status", SqliteType.Text);
        var currency = command.Parameters.Add("$currency", SqliteType.Text);
        var customerId = command.Parameters.Add("$customer_id", SqliteType.Text);
        var country = command.Parameters.Add("$country", SqliteType.Text);
        var amount = command.Parameters.Add("$amount", SqliteType.Real);
        var note = command.Parameters.Add("$note", SqliteType.Text);
        command.Prepare();
        long rows = 0;
        foreach (var record in _records)
        {
            var customer = record["customer"]!;
            id.Value = record["id"]!.GetValue<long>();
            createdAt.Value = record["created_at"]!.GetValue<string>();
            status.Value = record["status"]!.GetValue<string>();
            currency.Value = record["currency"]!.GetValue<string>();
            customerId.Value = customer["id"]!.GetValue<string>();
            country.Value = customer["country"]!.GetValue<string>();
            amount.Value = record["amount"]!.GetValue<double>();
            note.Value = (object?)record["note"]?.GetValue<string>() ?? DBNull.Value;
            rows += command.ExecuteNonQuery();
        }

        transaction.Commit();
        return rows;
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        connection.Open();
        if (Journal == "wal")
        {
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA synchronous = NORMAL"; // as the destination does in WAL mode
            command.ExecuteNonQuery();
        }

        return connection;
    }
}
