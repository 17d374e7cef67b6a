using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Muxly.Benchmarks.Router;

/// <summary>
/// Writes synthetic order records as JSONL, the same bytes for the same count and seed on every machine and runtime
/// (its own SplitMix64 generator, invariant formatting). Every record has the same keys, so that CSV output has one
/// header:
/// <code>{"id":1,"created_at":"2024-01-01T00:00:07Z","status":"paid","currency":"USD",
///  "customer":{"id":"C0004711","name":"Ana Silva","country":"US"},
///  "items":[{"sku":"SKU-00042","qty":2,"price":19.99}],"amount":1234.56,"note":"gift, wrap please"}</code>
/// About a third of the customers are in the US and two thirds of the amounts are above 1000, so the benchmark
/// condition keeps about one record in five. Every 25th amount is a whole hundred spelled one of several ways
/// (<c>1500</c>, <c>1500.0</c>, <c>1.5e3</c>, <c>15E2</c>), 1000 itself included, to check that every tool compares numbers
/// by value. Notes include commas, quotes and non-ASCII text, so that CSV writers must quote.
/// </summary>
public static class OrderGenerator
{
    private static readonly string[] FirstNames = ["Ana", "Ben", "Chloé", "Dev", "Eun-ji", "Farah", "Gus", "Hana", "Ivan", "Jo"];
    private static readonly string[] LastNames = ["Silva", "Okafor", "Müller", "Smith", "Tanaka", "Novak", "Haddad", "Kim"];
    private static readonly string[] Countries = ["US", "GB", "DE", "FR", "CA", "JP", "BR", "IN", "AU", "NL"];
    private static readonly string[] Statuses = ["paid", "pending", "shipped", "refunded"];
    private static readonly string[] Notes =
    [
        "", "leave at door", "gift, wrap please", "call \"before\" delivery", "fragile", "café order; no rush",
        "second attempt", "deliver to reception, 3rd floor",
    ];

    private static readonly DateTime Epoch = new(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public const ulong DefaultSeed = 20240101;

    /// <summary>Writes <paramref name="count"/> records to <paramref name="path"/>; returns the bytes written.</summary>
    public static long Write(string path, long count, ulong seed = DefaultSeed)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        Write(file, count, seed);
        return file.Length;
    }

    public static void Write(Stream stream, long count, ulong seed = DefaultSeed)
    {
        var random = new SplitMix64(seed);
        var options = new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };
        using var writer = new Utf8JsonWriter(stream, options);
        var seconds = 0L;
        for (long id = 1; id <= count; id++)
        {
            seconds += 1 + (long)random.Below(90);
            WriteOrder(writer, random, id, Epoch.AddSeconds(seconds));
            writer.Flush();
            stream.WriteByte((byte)'\n');
            writer.Reset(stream);
        }
    }

    /// <summary>The same records as JSONL lines, in memory (for the engine benchmarks).</summary>
    public static string[] Lines(int count, ulong seed = DefaultSeed)
    {
        using var buffer = new MemoryStream();
        Write(buffer, count, seed);
        var text = System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static void WriteOrder(Utf8JsonWriter writer, SplitMix64 random, long id, DateTime created)
    {
        writer.WriteStartObject();
        writer.WriteNumber("id", id);
        // Mostly whole seconds; some with milliseconds, as many APIs write them.
        var stamp = random.Below(5) == 0
            ? created.AddMilliseconds(random.Below(1000)).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)
            : created.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        writer.WriteString("created_at", stamp);
        writer.WriteString("status", Statuses[random.Below(Statuses.Length)]);
        writer.WriteString("currency", "USD");

        writer.WriteStartObject("customer");
        var customer = random.Below(50_000);
        writer.WriteString("id", "C" + customer.ToString("D7", CultureInfo.InvariantCulture));
        writer.WriteString("name", FirstNames[customer % FirstNames.Length] + " " + LastNames[customer / 7 % LastNames.Length]);
        // A third in the US, the rest spread over the other countries.
        var country = random.Below(3) == 0 ? "US" : Countries[1 + random.Below(Countries.Length - 1)];
        writer.WriteString("country", country);
        writer.WriteEndObject();

        writer.WriteStartArray("items");
        var items = 1 + random.Below(4);
        for (var i = 0; i < items; i++)
        {
            writer.WriteStartObject();
            writer.WriteString("sku", "SKU-" + random.Below(100_000).ToString("D5", CultureInfo.InvariantCulture));
            writer.WriteNumber("qty", 1 + random.Below(5));
            writer.WritePropertyName("price");
            writer.WriteRawValue(Cents(random.Below(20_000) + 99), skipInputValidation: true);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WritePropertyName("amount");
        writer.WriteRawValue(Amount(random, id), skipInputValidation: true);
        writer.WriteString("note", Notes[random.Below(Notes.Length)]);
        writer.WriteEndObject();
    }

    private static string Amount(SplitMix64 random, long id)
    {
        if (id % 25 == 0)
        {
            // Whole hundreds from 500 to 2000, in the spellings that must compare equal.
            var hundreds = 5 + random.Below(16);
            return random.Below(4) switch
            {
                0 => (hundreds * 100).ToString(CultureInfo.InvariantCulture),
                1 => (hundreds * 100).ToString(CultureInfo.InvariantCulture) + ".0",
                2 => (hundreds / 10.0).ToString("0.0", CultureInfo.InvariantCulture) + "e3",
                _ => hundreds.ToString(CultureInfo.InvariantCulture) + "E2",
            };
        }

        return Cents(random.Below(300_000));
    }

    // Cents as the shortest decimal: 1999 -> 19.99, 1990 -> 19.9, 1500 -> 15, 1 -> 0.01.
    private static string Cents(int cents)
    {
        var whole = cents / 100;
        var part = cents % 100;
        return part == 0 ? whole.ToString(CultureInfo.InvariantCulture)
            : part % 10 == 0 ? $"{whole}.{part / 10}"
            : $"{whole}.{part:D2}";
    }

    /// <summary>SplitMix64: small, fast and the same everywhere, unlike <see cref="Random"/> across runtime versions.</summary>
    private sealed class SplitMix64(ulong seed)
    {
        private ulong _state = seed;

        public int Below(int bound)
        {
            _state += 0x9E3779B97F4A7C15UL;
            var z = _state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return (int)(z % (ulong)bound);
        }
    }
}
