using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Pipeline.Scheduling.Tests.Support;

/// <summary>
/// A loopback stand-in for a Slack/Teams incoming webhook: records every POST body and answers with the status
/// codes it is told to (then 200).
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly HttpListener listener = new();
    private readonly Task loop;
    private readonly ConcurrentQueue<HttpStatusCode> answers;

    public WebhookReceiver(params HttpStatusCode[] answers)
    {
        this.answers = new ConcurrentQueue<HttpStatusCode>(answers);
        var port = FreePort();
        // The path is what Slack puts its token in; the tests check it never leaks.
        Url = new Uri($"http://127.0.0.1:{port}/services/T000/B000/xoxb-webhook-path-secret");
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        loop = Task.Run(ServeAsync);
    }

    public Uri Url { get; }

    public ConcurrentQueue<string> Bodies { get; } = new();

    /// <summary>The <c>text</c> of every POST, in arrival order.</summary>
    public IReadOnlyList<string> Texts => Bodies.Select(b => JsonDocument.Parse(b).RootElement.GetProperty("text").GetString()!).ToList();

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream);
            Bodies.Enqueue(await reader.ReadToEndAsync());
            context.Response.StatusCode = (int)(answers.TryDequeue(out var status) ? status : HttpStatusCode.OK);
            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        listener.Stop();
        listener.Close();
        await loop;
    }
}
