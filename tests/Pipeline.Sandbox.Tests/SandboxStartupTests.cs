using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Pipeline.Sandbox.Tests;

/// <summary>The sandbox program as a user starts it: <c>dotnet pipeline-sandbox.dll --port N</c>.</summary>
public sealed partial class SandboxStartupTests
{
    private static string SandboxDll => Path.Combine(AppContext.BaseDirectory, "pipeline-sandbox.dll");

    [Test]
    public async Task A_busy_port_is_one_line_naming_it_and_a_non_zero_exit()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        using var sandbox = Start("--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--days", "7");
        var stdout = sandbox.StandardOutput.ReadToEndAsync();
        var stderr = sandbox.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await sandbox.WaitForExitAsync(timeout.Token);

        var errorLines = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(sandbox.ExitCode, Is.Not.Zero);
        Assert.That(errorLines, Has.Length.EqualTo(1), await stderr);
        Assert.That(errorLines[0], Does.Contain($"port {port} is in use"));
        Assert.That(await stdout, Does.Not.Contain("   at "));
    }

    [Test]
    public async Task The_banner_prints_the_hubspot_portal_id_that_account_info_and_the_description_report()
    {
        using var sandbox = Start("--port", "0", "--days", "7", "--quiet");
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            string? baseAddress = null, portal = null, token = null;
            while (portal is null && await sandbox.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                baseAddress ??= Listening().Match(line) is { Success: true } l ? l.Groups[1].Value : null;
                if (HubSpotLine().Match(line) is { Success: true } h)
                {
                    (token, portal) = (h.Groups[1].Value, h.Groups[2].Value);
                }
            }

            Assert.That(baseAddress, Is.Not.Null, "the banner names the address");
            Assert.That(portal, Is.Not.Null, "the banner's HubSpot line names the portal");
            using var http = new HttpClient { BaseAddress = new Uri(baseAddress!) };
            var description = JsonNode.Parse(await http.GetStringAsync(new Uri("_sandbox/description", UriKind.Relative)))!;
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("hubspot/account-info/v3/details", UriKind.Relative));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request);
            var details = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

            Assert.That(description["hubSpotPortalId"]!.GetValue<string>(), Is.EqualTo(portal));
            Assert.That(details["portalId"]!.GetValue<long>().ToString(System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(portal));
            Assert.That(description["days"]!.GetValue<int>(), Is.EqualTo(7));
        }
        finally
        {
            sandbox.Kill(entireProcessTree: true);
            await sandbox.WaitForExitAsync();
        }
    }

    private static Process Start(params string[] args)
    {
        Assert.That(File.Exists(SandboxDll), Is.True, "pipeline-sandbox.dll is copied beside the tests");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(SandboxDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }

    [GeneratedRegex(@"listening on (http://\S+/)")]
    private static partial Regex Listening();

    [GeneratedRegex(@"^HubSpot\s+base \S+\s+token (\S+)\s+portal (\d+)")]
    private static partial Regex HubSpotLine();
}
