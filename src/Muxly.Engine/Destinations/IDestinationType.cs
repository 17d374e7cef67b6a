using System.Text.Json.Nodes;
using Muxly.Router.Projections;
using Muxly.Router.Runs;

namespace Muxly.Destinations;

/// <summary>A destination's configuration for one run, with <c>${env:NAME}</c> references expanded.</summary>
public sealed record DestinationSettings(string Name, JsonObject Config);

/// <summary>
/// Records a destination could not deliver (a webhook batch refused after its retries, a row the database
/// rejected), with the reason. The route runner counts them as failed and hands them to the dead-letter destination.
/// </summary>
public sealed class DeliveryException : Exception
{
    public DeliveryException(string message, IReadOnlyList<JsonObject> failedRecords, Exception? inner = null)
        : base(message, inner)
    {
        FailedRecords = failedRecords;
    }

    public IReadOnlyList<JsonObject> FailedRecords { get; }
}

/// <summary>
/// An open destination for one run. <see cref="Write"/> may buffer (batches); <see cref="Complete"/> delivers what is
/// buffered and makes the output final (for example the rename of an atomic replace). Disposing without
/// <see cref="Complete"/> abandons the run's output where the destination can (a replace leaves the old file).
/// </summary>
public interface IDestinationWriter : IDisposable
{
    /// <summary>Takes one record. Throws <see cref="DeliveryException"/> for records that failed (possibly a whole batch).</summary>
    void Write(JsonObject record);

    /// <summary>Flushes and finalises. Throws <see cref="DeliveryException"/> for buffered records that failed.</summary>
    void Complete();
}

/// <summary>
/// A writer that can take a record straight from its parse with a rule's field-level transformations applied
/// (<see cref="ProjectedRecord"/>), writing exactly the bytes it would write for <see cref="ProjectedRecord.ToObject"/>.
/// The router uses it for a rule only where every destination of the rule is one.
/// </summary>
internal interface IProjectedRecordWriter
{
    /// <summary>Takes one projected record (valid only during the call); as <see cref="IDestinationWriter.Write"/>.</summary>
    void Write(ProjectedRecord record);
}

/// <summary>
/// A writer that Test-MuxlyDestination checks without delivering a test record, because the record would stay where
/// it landed (a row in someone's table). The check goes as far as it can short of storing anything.
/// </summary>
public interface IDeliveryCheck
{
    /// <summary>Returns what was checked; throws MuxlyException for what would stop delivery.</summary>
    string CheckDelivery();
}

/// <summary>A <c>destination_type</c>: one class, registered by name in <see cref="DestinationRegistry"/>.</summary>
public interface IDestinationType
{
    /// <summary>The <c>destination_type</c> name, e.g. <c>file</c>.</summary>
    string Name { get; }

    /// <summary>Checks a configuration when the destination is saved; throws MuxlyException (ErrorId <c>MuxlyDestinationConfigInvalid</c>) naming what is wrong.</summary>
    void Validate(JsonObject config);

    /// <summary>Opens the destination for one run (a folder that cannot be written is a MuxlyException here).</summary>
    IDestinationWriter Open(DestinationSettings settings, RunContext context);
}
