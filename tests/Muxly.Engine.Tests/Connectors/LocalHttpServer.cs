using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Muxly.Tests.Connectors;

/// <summary>A request as the test server received it.</summary>
public sealed record ReceivedRequest(string Method, string RawUrl, string Path, IReadOnlyDictionary<string, string> Query, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public string? QueryValue(string name) => Query.TryGetValue(name, out var value) ? value : null;
}

/// <summary>What the test server answers.</summary>
public sealed record ServerResponse(int Status, string Body, string ContentType = "application/json", IReadOnlyDictionary<string, string>? Headers = null, TimeSpan Delay = default)
{
    public static ServerResponse Json(string body) => new(200, body);
}

/// <summary>
/// A real HTTP server on 127.0.0.1 and a free port (System.Net.HttpListener), answering with <see cref="Handler"/> and
/// remembering every request. One per test class (an xunit class fixture); each test sets its own handler.
/// </summary>
public sealed class LocalHttpServer : IDisposable
{
    private readonly HttpListener _listener;
    private readonly Thread _loop;
    private readonly CancellationTokenSource _stop = new();

    public LocalHttpServer()
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                _listener = listener;
                BaseUrl = $"http://127.0.0.1:{port}";
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close(); // taken between our probe and our start: try another port
            }
        }

        _loop = new Thread(Listen) { IsBackground = true, Name = "LocalHttpServer" };
        _loop.Start();
    }

    public string BaseUrl { get; }

    public Func<ReceivedRequest, ServerResponse> Handler { get; set; } = _ => new ServerResponse(404, "{}");

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    /// <summary>Forgets earlier requests and sets the handler for the next test.</summary>
    public void Reset(Func<ReceivedRequest, ServerResponse> handler)
    {
        Requests.Clear();
        Handler = handler;
    }

    /// <summary>A port nothing listens on right now (the OS picks it for a listener that is closed at once).</summary>
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
        _stop.Cancel();
        _listener.Stop();
        _listener.Close();
        _loop.Join(TimeSpan.FromSeconds(2));
        _stop.Dispose();
    }

    private void Listen()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = _listener.GetContext();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            ThreadPool.QueueUserWorkItem(_ => Answer(context));
        }
    }

    private void Answer(HttpListenerContext context)
    {
        try
        {
            var request = context.Request;
            using var reader = new StreamReader(request.InputStream, Encoding.UTF8);
            var received = new ReceivedRequest(
                request.HttpMethod,
                request.RawUrl ?? string.Empty,
                request.Url!.AbsolutePath,
                request.QueryString.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => request.QueryString[k]!),
                request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => request.Headers[k]!, StringComparer.OrdinalIgnoreCase),
                reader.ReadToEnd());
            Requests.Enqueue(received);
            var answer = Handler(received);
            if (answer.Delay > TimeSpan.Zero)
            {
                _stop.Token.WaitHandle.WaitOne(answer.Delay);
            }

            var response = context.Response;
            response.StatusCode = answer.Status;
            response.ContentType = answer.ContentType;
            foreach (var (name, value) in answer.Headers ?? new Dictionary<string, string>())
            {
                response.Headers[name] = value;
            }

            var bytes = Encoding.UTF8.GetBytes(answer.Body);
            response.ContentLength64 = bytes.Length;
            response.OutputStream.Write(bytes);
            response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or IOException or InvalidOperationException)
        {
            // The client gave up (a timeout test) or the server is stopping.
        }
    }
}
