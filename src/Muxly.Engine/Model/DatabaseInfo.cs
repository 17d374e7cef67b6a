using Muxly.Storage;

namespace Muxly;

/// <summary>Where a database is and where its schema stands (Get-MuxlyDatabase, Connect-MuxlyDatabase).</summary>
public sealed class DatabaseInfo
{
    public required string Path { get; init; }

    /// <summary>How the path was chosen: Parameter, Session, Environment or UserDefault.</summary>
    public required string Source { get; init; }

    public int SchemaVersion { get; init; }
    public int LatestVersion { get; init; }
    public required IReadOnlyList<string> PendingMigrations { get; init; }
    public long SizeBytes { get; init; }

    public static DatabaseInfo From(MuxlyDatabase database, string source)
    {
        var status = database.GetMigrationStatus();
        return new DatabaseInfo
        {
            Path = database.Path,
            Source = source,
            SchemaVersion = status.SchemaVersion,
            LatestVersion = status.LatestKnownVersion,
            PendingMigrations = status.Pending.Select(m => $"{m.Version:D4}_{m.Name}").ToList(),
            SizeBytes = database.SizeInBytes,
        };
    }
}

/// <summary>A migration as Update-MuxlyDatabase reports it.</summary>
public sealed class MigrationInfo
{
    public int Version { get; init; }
    public required string Name { get; init; }
    public required string Checksum { get; init; }

    /// <summary>Applied, or Pending (under -WhatIf).</summary>
    public required string Status { get; init; }

    public required string Database { get; init; }
}
