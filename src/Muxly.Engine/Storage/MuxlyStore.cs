namespace Muxly.Storage;

/// <summary>The stores of one database, opened (and migrated) on first use.</summary>
public sealed class MuxlyStore
{
    public MuxlyStore(MuxlyDatabase database)
    {
        Database = database;
        Connectors = new ConnectorStore(database);
        Settings = new SettingStore(database);
        Destinations = new DestinationStore(database);
        Rules = new RuleStore(database);
        Transformations = new TransformationStore(database);
        Routes = new RouteStore(database);
        Jobs = new JobStore(database);
        Executions = new ExecutionStore(database);
        SchedulerInstances = new SchedulerInstanceStore(database);
        WebhookTriggers = new WebhookTriggerStore(database);
    }

    public MuxlyDatabase Database { get; }
    public ConnectorStore Connectors { get; }
    public SettingStore Settings { get; }
    public DestinationStore Destinations { get; }
    public RuleStore Rules { get; }
    public TransformationStore Transformations { get; }
    public RouteStore Routes { get; }
    public JobStore Jobs { get; }
    public ExecutionStore Executions { get; }
    public SchedulerInstanceStore SchedulerInstances { get; }
    public WebhookTriggerStore WebhookTriggers { get; }

    public static MuxlyStore Open(string path) => new(MuxlyDatabase.Open(path));
}
