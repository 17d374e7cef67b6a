using Microsoft.Data.Sqlite;
using Muxly.Storage;

namespace Muxly.Tests.TestSupport;

/// <summary>
/// A database path in a folder of its own under the temp directory, deleted (with everything in it) on dispose.
/// Nothing is created until a test opens it, so tests can also put other things at <see cref="FilePath"/>.
/// </summary>
public sealed class TempDatabase : IDisposable
{
    public TempDatabase()
    {
        Folder = Path.Combine(Path.GetTempPath(), "muxly-engine-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        FilePath = Path.Combine(Folder, "muxly.db");
    }

    /// <summary>The folder this test owns.</summary>
    public string Folder { get; }

    /// <summary>Where the database file goes.</summary>
    public string FilePath { get; }

    /// <summary>A path beside the database, for backups, decoys and the like.</summary>
    public string PathFor(string fileName) => Path.Combine(Folder, fileName);

    /// <summary>Opens (creating and migrating) the database with the embedded migrations or the given ones.</summary>
    public MuxlyDatabase Open(IReadOnlyList<Migration>? migrations = null) => MuxlyDatabase.Open(FilePath, migrations);

    public MuxlyStore OpenStore() => new(Open());

    /// <summary>
    /// A plain connection, bypassing the engine (no foreign keys, no WAL switch), for looking at the file as any other
    /// SQLite client would. Not pooled, so disposing it really closes the file.
    /// </summary>
    public SqliteConnection ConnectRaw(string? path = null)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path ?? FilePath,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = false,
        }.ToString());
        connection.Open();
        return connection;
    }

    public void Dispose()
    {
        if (!Directory.Exists(Folder))
        {
            return;
        }

        // Read-only files and folders made by a test must not stop the clean-up.
        if (!OperatingSystem.IsWindows())
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(Folder, "*", SearchOption.AllDirectories))
            {
                File.SetUnixFileMode(entry, File.GetUnixFileMode(entry) | UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
        else
        {
            foreach (var file in Directory.EnumerateFiles(Folder, "*", SearchOption.AllDirectories))
            {
                File.SetAttributes(file, FileAttributes.Normal);
            }
        }

        Directory.Delete(Folder, recursive: true);
    }
}
