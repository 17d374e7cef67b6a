using System.Collections.Concurrent;
using Muxly.Storage;

namespace Muxly.Webhooks;

/// <summary>
/// The listener's group commit. Verified calls wait here while one writer thread takes every call pending at that
/// moment (up to <see cref="MaxBatch"/>) and records their message ids and queued executions in one transaction
/// (<see cref="WebhookTriggerStore.AcceptBatch"/>); only after it commits does each call learn its execution id, so
/// the row exists before the 202 is written. One transaction per batch instead of one per call is what lets the
/// listener keep up: a commit costs about the same for one row as for hundreds. A batch that fails is rolled back
/// whole and every call in it gets the error.
/// </summary>
internal sealed class WebhookAcceptBatcher : IDisposable
{
    public const int MaxBatch = 512;

    private readonly WebhookTriggerStore _triggers;
    private readonly string? _instanceId;
    private readonly Func<DateTimeOffset> _pruneBefore;
    private readonly BlockingCollection<Pending> _queue = new(new ConcurrentQueue<Pending>());
    private Thread? _writer;

    /// <summary>
    /// A batcher writing through <paramref name="triggers"/>, recording executions owned by <paramref name="instanceId"/>
    /// and pruning, in each batch, message ids received before <paramref name="pruneBefore"/>.
    /// </summary>
    public WebhookAcceptBatcher(WebhookTriggerStore triggers, string? instanceId, Func<DateTimeOffset> pruneBefore)
    {
        _triggers = triggers;
        _instanceId = instanceId;
        _pruneBefore = pruneBefore;
    }

    /// <summary>Batches committed so far (tests and the log read it).</summary>
    public long Batches { get; private set; }

    /// <summary>Starts the writer; calls submitted before are committed in its first batch.</summary>
    public void Start()
    {
        _writer = new Thread(Write) { IsBackground = true, Name = "Muxly webhook group commit" };
        _writer.Start();
    }

    /// <summary>Queues a verified call; the task ends once it is committed (or with the batch's error).</summary>
    public Task<WebhookAcceptance> Submit(WebhookAcceptRequest request)
    {
        var pending = new Pending(request, new TaskCompletionSource<WebhookAcceptance>(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            _queue.Add(pending);
        }
        catch (InvalidOperationException)
        {
            pending.Done.SetException(new MuxlyException(MuxlyErrorKind.OperationFailed, "MuxlyWebhookListenerStopping", "The webhook listener is stopping."));
        }

        return pending.Done.Task;
    }

    /// <summary>Commits what is queued, then stops the writer.</summary>
    public void Dispose()
    {
        _queue.CompleteAdding();
        _writer?.Join();
        _queue.Dispose();
    }

    private void Write()
    {
        var batch = new List<Pending>(MaxBatch);
        var requests = new List<WebhookAcceptRequest>(MaxBatch);
        // The writer commits every batch on one connection, kept until the listener stops (Dispose ends the loop).
        using var kept = _triggers.Database.KeepConnectionOnThisThread();
        foreach (var first in _queue.GetConsumingEnumerable())
        {
            batch.Add(first);
            while (batch.Count < MaxBatch && _queue.TryTake(out var next))
            {
                batch.Add(next);
            }

            requests.AddRange(batch.Select(p => p.Request));
            try
            {
                var answers = _triggers.AcceptBatch(requests, _instanceId, _pruneBefore());
                Batches++;
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Done.SetResult(answers[i]);
                }
            }
            catch (Exception ex)
            {
                foreach (var pending in batch)
                {
                    pending.Done.SetException(ex);
                }
            }

            batch.Clear();
            requests.Clear();
        }
    }

    private sealed record Pending(WebhookAcceptRequest Request, TaskCompletionSource<WebhookAcceptance> Done);
}
