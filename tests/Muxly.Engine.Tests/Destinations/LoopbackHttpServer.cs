using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Muxly.Tests.Destinations;

/// <summary>What the test server answers to one request.</summary>
public sealed record ServerReply(int Status, TimeSpan Delay = default, params (string Name, string Value)[] Headers)
{
    public static ServerReply Ok { get; } = new(200);
}

/// <summary>A request the test server received.</summary>
public sealed record ReceivedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string Body, DateTimeOffset At);

/// <summary>
/// A real HTTP server on 127.0.0.1 (System.Net.HttpListener on a free port), shared by one test class. Tests script the
/// replies in order (a request with no reply left gets 200) and read back what was received.
/// </summary>
public sealed class LoopbackHttpServer : IDisposable
{
    private readonly HttpListener _listener;
    private readonly ConcurrentQueue<ServerReply> _replies = new();
    private readonly ConcurrentQueue<ReceivedRequest> _received = new();
    private readonly Thread _loop;

    public LoopbackHttpServer()
    {
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            try
            {
                listener.Start();
                _listener = listener;
                break;
            }
            catch (HttpListenerException) when (attempt < 10)
            {
                listener.Close(); // taken between finding and binding: try another port
            }
        }

        _loop = new Thread(Serve) { IsBackground = true, Name = "LoopbackHttpServer" };
        _loop.Start();
    }

    public int Port { get; }

    public string Url(string path = "/hook") => $"http://127.0.0.1:{Port}{path}";

    public IReadOnlyList<ReceivedRequest> Received => _received.ToArray();

    /// <summary>Forgets what earlier tests scripted and received.</summary>
    public void Reset(params ServerReply[] replies)
    {
        _replies.Clear();
        _received.Clear();
        foreach (var reply in replies)
        {
            _replies.Enqueue(reply);
        }
    }

    /// <summary>A port nothing listens on at the moment of asking.</summary>
    public static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    public void Dispose()
    {
        _listener.Close();
        _loop.Join(TimeSpan.FromSeconds(5));
    }

    private void Serve()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = _listener.GetContext();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // stopped
            }

            // Each request on its own thread, so a deliberately slow reply does not hold up the next test's requests.
            ThreadPool.QueueUserWorkItem(_ => Answer(context));
        }
    }

    private void Answer(HttpListenerContext context)
    {
        try
        {
            string body;
            using (var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8))
            {
                body = reader.ReadToEnd();
            }

            var headers = context.Request.Headers.AllKeys
                .Where(k => k is not null)
                .ToDictionary(k => k!, k => context.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
            _received.Enqueue(new ReceivedRequest(context.Request.HttpMethod, context.Request.Url!.PathAndQuery, headers, body, DateTimeOffset.UtcNow));

            var reply = _replies.TryDequeue(out var next) ? next : ServerReply.Ok;
            if (reply.Delay > TimeSpan.Zero)
            {
                Thread.Sleep(reply.Delay);
            }

            context.Response.StatusCode = reply.Status;
            foreach (var (name, value) in reply.Headers)
            {
                context.Response.Headers[name] = value;
            }

            context.Response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException or IOException)
        {
            // The client gave up (a timeout test) or the server is stopping.
        }
    }
}
