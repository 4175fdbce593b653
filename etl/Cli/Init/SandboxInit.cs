using System.Globalization;
using System.Text.Json;
using Pipeline.Cli.Demo;
using Pipeline.Connectors.Modules;

namespace Pipeline.Cli.Init;

/// <summary>
/// <c>pipeline init --sandbox URL</c>: asks the running sandbox what it serves (<c>GET _sandbox/description</c>, the
/// line <c>pipeline-sandbox --json</c> prints) and lets each module point itself at it, exactly as <c>pipeline demo</c>
/// does (<see cref="ISourceModule.Demo"/>). The files source gets the demo's example files in <c>sandbox-files/</c>
/// beside the written configuration.
/// </summary>
internal static class SandboxInit
{
    public const string FilesFolderName = "sandbox-files";

    public static async Task<InitPlan> PlanAsync(Uri url, IReadOnlyList<string> sources, string outputFolder, CancellationToken cancellationToken)
    {
        var root = url.AbsoluteUri.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/");
        var description = await DescribeAsync(root, cancellationToken);
        var days = Number(description, "days");
        var start = DateOnly.ParseExact(Text(description, "startDate"), "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var filesFolder = Path.Combine(outputFolder, FilesFolderName);
        var context = new DemoSandbox(description, days, filesFolder);

        var plan = new InitPlan(root);
        foreach (var source in sources)
        {
            var module = Etl.Sources.Find(source)!;
            if (module.Demo(context) is not { } options)
            {
                plan.Skipped.Add($"{source}: the sandbox does not serve it; left out");
                continue;
            }

            if (source == "files")
            {
                DemoFiles.Write(filesFolder, start, start.AddDays(days - 1));
            }

            plan.Sections.Add((source, OptionsJson.Changed(options)));
        }

        return plan;
    }

    private static async Task<JsonElement> DescribeAsync(Uri root, CancellationToken cancellationToken)
    {
        var address = new Uri(root, "_sandbox/description");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        try
        {
            using var response = await http.GetAsync(address, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new InitException($"{root} is not a pipeline sandbox that describes itself (GET {address} answered {(int)response.StatusCode})", ExitCodes.Failed);
            }

            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            return json.RootElement.Clone();
        }
        catch (HttpRequestException ex)
        {
            throw new InitException(
                $"no sandbox answers at {root} ({ex.Message}); start one: dotnet run --project ops/Sandbox -- --port 5055", ExitCodes.Failed);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new InitException($"the sandbox at {root} did not answer within 15 s", ExitCodes.Failed);
        }
        catch (JsonException ex)
        {
            throw new InitException($"{root} answered GET _sandbox/description with something that is not JSON ({ex.Message})", ExitCodes.Failed);
        }
    }

    private static int Number(JsonElement description, string key) =>
        description.TryGetProperty(key, out var value) && value.TryGetInt32(out var number) ? number
            : throw new InitException($"the sandbox's description has no number '{key}' (a sandbox older than this pipeline?)", ExitCodes.Failed);

    private static string Text(JsonElement description, string key) =>
        description.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()!
            : throw new InitException($"the sandbox's description has no '{key}' (a sandbox older than this pipeline?)", ExitCodes.Failed);
}
