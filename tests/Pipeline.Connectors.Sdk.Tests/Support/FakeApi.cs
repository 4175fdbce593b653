using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Pipeline.Connectors.Sdk.Tests.Support;

/// <summary>A Kestrel server on 127.0.0.1, random port, that plays an API for one test.</summary>
internal sealed class FakeApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _requests;
    private int _inFlight;
    private int _maxInFlight;

    private FakeApi(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>Requests that reached the server.</summary>
    public int Requests => Volatile.Read(ref _requests);

    public int InFlight => Volatile.Read(ref _inFlight);

    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    public ConcurrentQueue<Arrival> Arrivals { get; } = new();

    /// <summary>Time on the server's clock; compare with <see cref="Arrival.At"/>.</summary>
    public TimeSpan Now => _clock.Elapsed;

    /// <param name="handler">Gets the context and the 1-based number of the request.</param>
    public static Task<FakeApi> StartAsync(Func<HttpContext, int, Task> handler) =>
        StartAsync((_, context, number) => handler(context, number));

    /// <param name="handler">Also gets the server itself, to look at requests in flight.</param>
    public static async Task<FakeApi> StartAsync(Func<FakeApi, HttpContext, int, Task> handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        FakeApi? api = null;
        app.Run(async context =>
        {
            var self = api!;
            var number = Interlocked.Increment(ref self._requests);
            var inFlight = Interlocked.Increment(ref self._inFlight);
            UpdateMax(ref self._maxInFlight, inFlight);
            self.Arrivals.Enqueue(new Arrival(
                number,
                self._clock.Elapsed,
                context.Request.Path + context.Request.QueryString,
                context.Request.Headers.Authorization.ToString(),
                context.Request.Headers.UserAgent.ToString()));
            try
            {
                await handler(self, context, number);
            }
            finally
            {
                Interlocked.Decrement(ref self._inFlight);
            }
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        api = new FakeApi(app, new Uri(address + "/"));
        return api;
    }

    /// <summary>
    /// Holds a request until <paramref name="count"/> requests have been in flight together or
    /// <paramref name="timeout"/> passes. Watches the high-water mark, so a partner that already finished still counts.
    /// </summary>
    public async Task WaitForInFlightAsync(int count, TimeSpan timeout, CancellationToken aborted)
    {
        var deadline = _clock.Elapsed + timeout;
        while (MaxInFlight < count && _clock.Elapsed < deadline && !aborted.IsCancellationRequested)
        {
            await Task.Delay(10, CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stopping.Token);
        await _app.DisposeAsync();
    }

    private static void UpdateMax(ref int max, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref max)) && Interlocked.CompareExchange(ref max, value, current) != current)
        {
        }
    }

    internal sealed record Arrival(int Number, TimeSpan At, string PathAndQuery, string Authorization, string UserAgent);
}

internal static class HttpContextExtensions
{
    public static Task Json(this HttpContext context, string json, int status = 200)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(json);
    }

    public static Task Status(this HttpContext context, int status)
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    }

    /// <summary>Sleeps until the client gives up, the way a hung upstream does.</summary>
    public static async Task Hang(this HttpContext context)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
