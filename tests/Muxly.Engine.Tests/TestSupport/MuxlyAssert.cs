namespace Muxly.Tests.TestSupport;

/// <summary>Assertions about the engine's errors, which scripts tell apart by <see cref="MuxlyException.ErrorId"/>.</summary>
public static class MuxlyAssert
{
    public static MuxlyException Fails(string errorId, Action action)
    {
        var error = Assert.Throws<MuxlyException>(action);
        Assert.Equal(errorId, error.ErrorId);
        return error;
    }

    public static MuxlyException Fails(string errorId, Func<object?> action) => Fails(errorId, () => { action(); });
}
