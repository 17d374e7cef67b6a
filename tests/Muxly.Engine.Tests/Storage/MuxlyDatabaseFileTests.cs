using System.Text;
using Muxly.Storage;
using Muxly.Tests.TestSupport;
using static Muxly.Tests.TestSupport.SqliteInspection;

namespace Muxly.Tests.Storage;

/// <summary>What <see cref="MuxlyDatabase"/> does with paths it must not or cannot use.</summary>
public sealed class MuxlyDatabaseFileTests : IDisposable
{
    private readonly TempDatabase _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Open_CreatesTheFileAndMissingFolders()
    {
        var path = _temp.PathFor(Path.Combine("nested", "deeper", "muxly.db"));

        var database = MuxlyDatabase.Open(path);

        Assert.True(File.Exists(path));
        Assert.Equal(path, database.Path);
        Assert.True(database.SizeInBytes > 0);
    }

    [Fact]
    public void Open_TreatsAnEmptyFileAsANewDatabase()
    {
        File.WriteAllBytes(_temp.FilePath, []);

        var database = _temp.Open();

        Assert.Empty(database.GetMigrationStatus().Pending);
    }

    [Theory]
    [InlineData("name,value\nretry,5\n")]
    [InlineData("short")]
    public void FileThatIsNotSqlite_IsRefusedAndLeftUnchanged(string content)
    {
        var bytes = Encoding.UTF8.GetBytes(content);
        File.WriteAllBytes(_temp.FilePath, bytes);

        var error = MuxlyAssert.Fails("MuxlyDatabaseNotSqlite", () => _temp.Open());

        Assert.Equal(MuxlyErrorKind.InvalidData, error.Kind);
        Assert.Equal(bytes, File.ReadAllBytes(_temp.FilePath));
        Assert.Equal([_temp.FilePath], Directory.GetFiles(_temp.Folder));
    }

    [Fact]
    public void ReadOnlyFile_IsRefusedEvenWhenTheProcessCouldWriteIt()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix mode bits; Windows uses the read-only attribute.
        }

        _temp.Open();
        var before = FileFingerprint(_temp.FilePath);
        File.SetUnixFileMode(_temp.FilePath, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var error = MuxlyAssert.Fails("MuxlyDatabaseReadOnly", () => _temp.Open());

        Assert.Equal(MuxlyErrorKind.DatabaseReadOnly, error.Kind);
        Assert.Equal(before, FileFingerprint(_temp.FilePath));
    }

    [Fact]
    public void PathUnderARegularFile_ReportsTheFolderCannotBeCreated()
    {
        var blocker = _temp.PathFor("not-a-folder");
        File.WriteAllText(blocker, "I am a file");

        var error = MuxlyAssert.Fails("MuxlyDatabaseFolderUnavailable", () => MuxlyDatabase.Open(Path.Combine(blocker, "sub", "muxly.db")));

        Assert.Equal(MuxlyErrorKind.DatabaseUnavailable, error.Kind);
        Assert.Equal("I am a file", File.ReadAllText(blocker));
    }

    [Fact]
    public void PathThatIsAFolder_IsRefused()
    {
        Directory.CreateDirectory(_temp.FilePath);

        var error = MuxlyAssert.Fails("MuxlyDatabasePathIsFolder", () => _temp.Open());

        Assert.Equal(MuxlyErrorKind.InvalidArgument, error.Kind);
        Assert.Empty(Directory.GetFileSystemEntries(_temp.FilePath));
    }

    [Fact]
    public void OpenExisting_OnAMissingFile_IsNotFoundAndCreatesNothing()
    {
        var error = MuxlyAssert.Fails("MuxlyDatabaseNotFound", () => MuxlyDatabase.OpenExisting(_temp.FilePath));

        Assert.Equal(MuxlyErrorKind.NotFound, error.Kind);
        Assert.False(File.Exists(_temp.FilePath));
    }

    [Fact]
    public void OpenExisting_DoesNotApplyMigrations()
    {
        MuxlyDatabase.Open(_temp.FilePath, [Migration.Embedded[0]]);

        var database = MuxlyDatabase.OpenExisting(_temp.FilePath);

        var status = database.GetMigrationStatus();
        Assert.Equal(1, status.SchemaVersion);
        Assert.Equal(Migration.Embedded.Skip(1).Select(m => m.Version), status.Pending.Select(m => m.Version));
    }

    [Fact]
    public void NoFileHandleOutlivesAnOperation()
    {
        // Linux shows a process's open files under /proc/self/fd; elsewhere there is no cheap way to ask.
        if (!Directory.Exists("/proc/self/fd"))
        {
            return;
        }

        var store = _temp.OpenStore();
        var connector = store.Connectors.Create(new ConnectorDefinition("handles", "database", new(), new()), force: false).Item;
        store.Connectors.SetEnabled(connector.Id, false);
        store.Settings.Set("retry.base_delay_seconds", 9);
        _ = store.Settings.List();
        store.Database.BackupTo(_temp.PathFor("backup.db"));
        Assert.Throws<MuxlyException>(() => store.Connectors.Get("missing"));

        Assert.Empty(OpenFilesUnder(_temp.Folder));
        // The last connection to close checkpoints the write-ahead log and removes it.
        Assert.False(File.Exists(_temp.FilePath + "-wal"));

        // The probe does see a connection that is still open.
        using (_temp.ConnectRaw())
        {
            Assert.Contains(_temp.FilePath, OpenFilesUnder(_temp.Folder));
        }
    }

    private static List<string> OpenFilesUnder(string folder)
    {
        var open = new List<string>();
        foreach (var descriptor in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            try
            {
                var target = new FileInfo(descriptor).LinkTarget;
                if (target is not null && target.StartsWith(folder, StringComparison.Ordinal))
                {
                    open.Add(target);
                }
            }
            catch (IOException)
            {
                // The descriptor closed while we looked.
            }
        }

        return open;
    }
}
