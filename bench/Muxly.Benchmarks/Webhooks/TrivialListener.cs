using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Muxly.Benchmarks.Webhooks;

/// <summary>
/// The ceiling of the listener's HTTP stack: an <see cref="HttpListener"/> that reads each body and answers 202 with a
/// small JSON object, checking nothing and storing nothing. The webhook listener cannot answer faster than this on
/// the same machine; <c>webhook-baseline</c> loads it with the same generator.
/// </summary>
public sealed class TrivialListener : IDisposable
{
    private static readonly byte[] Answer = """{"executionId":"0"}"""u8.ToArray();
    private readonly HttpListener _listener = new() { IgnoreWriteExceptions = true };
    private readonly Task[] _loops;

    public TrivialListener(int acceptLoops)
    {
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Prefix = $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/";
        }

        _listener.Prefixes.Add(Prefix);
        _listener.Start();
        _loops = Enumerable.Range(0, acceptLoops).Select(_ => Task.Run(Loop)).ToArray();
    }

    public string Prefix { get; }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        Task.WaitAll(_loops, TimeSpan.FromSeconds(5));
    }

    private async Task Loop()
    {
        var buffer = new byte[4096];
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            try
            {
                while (await context.Request.InputStream.ReadAsync(buffer).ConfigureAwait(false) > 0)
                {
                }

                var response = context.Response;
                response.StatusCode = 202;
                response.ContentType = "application/json; charset=utf-8";
                response.ContentLength64 = Answer.Length;
                await response.OutputStream.WriteAsync(Answer).ConfigureAwait(false);
                response.Close();
            }
            catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
            {
            }
        }
    }
}
