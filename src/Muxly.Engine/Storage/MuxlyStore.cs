namespace Muxly.Storage;

/// <summary>The stores of one database, opened (and migrated) on first use.</summary>
public sealed class MuxlyStore
{
    public MuxlyStore(MuxlyDatabase database)
    {
        Database = database;
        Connectors = new ConnectorStore(database);
        Settings = new SettingStore(database);
    }

    public MuxlyDatabase Database { get; }
    public ConnectorStore Connectors { get; }
    public SettingStore Settings { get; }

    public static MuxlyStore Open(string path) => new(MuxlyDatabase.Open(path));
}
