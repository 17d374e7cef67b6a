using System.Text.Json.Nodes;
using Muxly.Router.Runs;

namespace Muxly.Destinations.Databases;

/// <summary>
/// The <c>database</c> destination: records written as rows of a table, created if missing, through a column mapping,
/// as inserts or upserts, in batched transactions. SQLite only for now; <c>provider: postgresql</c> is refused when
/// saved. Config keys and defaults are on <see cref="DatabaseDestinationOptions"/>; the writing on <see cref="SqliteTableWriter"/>.
/// </summary>
public sealed class DatabaseDestination : IDestinationType
{
    public string Name => "database";

    public void Validate(JsonObject config) => DatabaseDestinationOptions.Parse(config).CheckPathNow();

    public IDestinationWriter Open(DestinationSettings settings, RunContext context)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(context);
        return SqliteTableWriter.Open(DatabaseDestinationOptions.Parse(settings.Config), context);
    }
}
