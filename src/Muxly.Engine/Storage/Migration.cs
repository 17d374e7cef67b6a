using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace Muxly.Storage;

/// <summary>One numbered SQL script from <c>migrations/</c>.</summary>
public sealed record Migration(int Version, string Name, string Sql)
{
    /// <summary>SHA-256 of the script with line endings normalised, so a Windows checkout hashes the same.</summary>
    /// <remarks>Computed from <see cref="Sql"/> on each read, so a copy made with <c>with { Sql = ... }</c> hashes its own text.</remarks>
    public string Checksum => Convert.ToHexString(
        SHA256.HashData(Encoding.UTF8.GetBytes(Sql.Replace("\r\n", "\n")))).ToLowerInvariant();

    /// <summary>Parses <c>0002_names_links.sql</c> into version 2, name <c>names_links</c>.</summary>
    public static Migration FromFile(string fileName, string sql)
    {
        var stem = Path.GetFileNameWithoutExtension(fileName);
        var underscore = stem.IndexOf('_');
        if (underscore <= 0 || !int.TryParse(stem.AsSpan(0, underscore), out var version) || version <= 0)
        {
            throw new MuxlyException(MuxlyErrorKind.InvalidData, "MuxlyMigrationNameInvalid",
                $"Migration file '{fileName}' is not named NNNN_description.sql.", fileName);
        }

        return new Migration(version, stem[(underscore + 1)..], sql);
    }

    /// <summary>The migrations compiled into the engine, in order.</summary>
    public static IReadOnlyList<Migration> Embedded { get; } = LoadEmbedded();

    private static List<Migration> LoadEmbedded()
    {
        const string prefix = "Muxly.Migrations.";
        var assembly = typeof(Migration).Assembly;
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            migrations.Add(FromFile(resource[prefix.Length..], reader.ReadToEnd()));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
            {
                throw new InvalidOperationException($"Migrations must be numbered 1..n without gaps; found {migrations[i].Version} at position {i + 1}.");
            }
        }

        return migrations;
    }
}
