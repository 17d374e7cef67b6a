namespace Muxly;

/// <summary>What went wrong, in terms a caller can act on. The PowerShell layer maps each kind to an ErrorCategory.</summary>
public enum MuxlyErrorKind
{
    InvalidArgument,
    NotFound,
    AlreadyExists,
    InvalidData,
    DatabaseUnavailable,
    DatabaseReadOnly,
    DatabaseSchemaMismatch,
    DatabaseError,
    OperationFailed,
}

/// <summary>
/// The one exception type the engine lets escape. Its message is written for the person running the command;
/// <see cref="ErrorId"/> is stable so that scripts can test for it.
/// </summary>
public sealed class MuxlyException : Exception
{
    public MuxlyException(MuxlyErrorKind kind, string errorId, string message, object? target = null, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        ErrorId = errorId;
        Target = target;
    }

    public MuxlyErrorKind Kind { get; }

    /// <summary>A stable identifier such as <c>MuxlyConnectorNotFound</c>.</summary>
    public string ErrorId { get; }

    /// <summary>The object the error is about (a name, a path), never a secret.</summary>
    public object? Target { get; }

    public static MuxlyException Invalid(string errorId, string message, object? target = null) =>
        new(MuxlyErrorKind.InvalidArgument, errorId, message, target);
}
