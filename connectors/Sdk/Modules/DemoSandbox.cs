using System.Text.Json;

namespace Pipeline.Connectors.Modules;

/// <summary>
/// The running demo sandbox as <c>pipeline-sandbox --json</c> describes it: a JSON object of base addresses and
/// fake credentials (keys in camelCase, e.g. <c>hubSpotBaseAddress</c>, <c>metaAdAccountIds</c>). Modules read
/// the values they need; a missing one is a clear error naming it.
/// </summary>
public sealed class DemoSandbox(JsonElement description, int days, string filesFolder)
{
    /// <summary>Days the demo world covers, ending today.</summary>
    public int Days { get; } = days;

    /// <summary>
    /// First-run days that reach the world's first day from any account's today: the world ends yesterday (UTC) and
    /// an account's own zone can already be on the next day (Berlin after 23:00 UTC), so two more than <see cref="Days"/>.
    /// </summary>
    public int FirstRunDays => Days + 2;

    /// <summary>Folder where the demo wrote its example files (cost, NPS, targets, FX).</summary>
    public string FilesFolder { get; } = filesFolder;

    public string String(string key) =>
        description.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()!
            : throw new InvalidOperationException($"the sandbox's startup description has no string '{key}'");

    public Uri Url(string key) => new(String(key), UriKind.Absolute);

    public IReadOnlyList<string> Strings(string key) =>
        description.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Array
            ? [.. v.EnumerateArray().Select(e => e.GetString() ?? "")]
            : throw new InvalidOperationException($"the sandbox's startup description has no list '{key}'");
}
