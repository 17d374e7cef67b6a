using System.Text.Json.Nodes;
using Muxly.Router.Runs;

namespace Muxly.Destinations.Files;

/// <summary>
/// The <c>file</c> destination: records written as json (one array), jsonl or csv to a path that may use the dynamic
/// values of SPEC §4, appended or atomically replaced, with optional daily, hourly or size rotation.
/// Config keys and defaults are on <see cref="FileDestinationOptions"/>; the file layouts on the format classes.
/// </summary>
public sealed class FileDestination : IDestinationType
{
    public string Name => "file";

    public void Validate(JsonObject config) => FileDestinationOptions.Parse(config);

    /// <summary>
    /// Expands the path with the run's clock, creates the folder if allowed, and opens the file (a temporary file beside
    /// it for replace). A folder that cannot be created or written is a MuxlyException
    /// (<c>MuxlyDestinationFolderNotWritable</c>) naming the folder, with nothing written.
    /// </summary>
    public IDestinationWriter Open(DestinationSettings settings, RunContext context)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(context);
        return FileDestinationWriter.Open(FileDestinationOptions.Parse(settings.Config), context);
    }
}
