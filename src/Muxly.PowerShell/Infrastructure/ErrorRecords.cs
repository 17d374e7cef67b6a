using System.Management.Automation;

namespace Muxly.PowerShell.Infrastructure;

/// <summary>Turns engine errors into ErrorRecords with the engine's stable ErrorId and a fitting category.</summary>
internal static class ErrorRecords
{
    public static ErrorRecord From(MuxlyException exception, object? target = null) =>
        new(exception, exception.ErrorId, Category(exception.Kind), target ?? exception.Target);

    public static ErrorRecord Invalid(string errorId, string message, object? target = null) =>
        From(MuxlyException.Invalid(errorId, message, target), target);

    /// <summary>Errors about the database itself stop the whole command: no later item could succeed.</summary>
    public static bool IsTerminating(MuxlyException exception) => exception.Kind is
        MuxlyErrorKind.DatabaseUnavailable or MuxlyErrorKind.DatabaseReadOnly or MuxlyErrorKind.DatabaseSchemaMismatch
        || exception.ErrorId is "MuxlyDatabaseNotSqlite" or "MuxlyDatabaseCorrupt" or "MuxlyDatabasePathInvalid" or "MuxlyDatabasePathIsFolder";

    private static ErrorCategory Category(MuxlyErrorKind kind) => kind switch
    {
        MuxlyErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
        MuxlyErrorKind.NotFound => ErrorCategory.ObjectNotFound,
        MuxlyErrorKind.AlreadyExists => ErrorCategory.ResourceExists,
        MuxlyErrorKind.InvalidData => ErrorCategory.InvalidData,
        MuxlyErrorKind.DatabaseUnavailable => ErrorCategory.ResourceUnavailable,
        MuxlyErrorKind.DatabaseReadOnly => ErrorCategory.PermissionDenied,
        MuxlyErrorKind.DatabaseSchemaMismatch => ErrorCategory.InvalidOperation,
        MuxlyErrorKind.DatabaseError => ErrorCategory.WriteError,
        _ => ErrorCategory.OperationStopped,
    };
}
