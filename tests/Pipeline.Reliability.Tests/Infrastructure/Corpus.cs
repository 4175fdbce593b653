using System.Text;
using System.Text.Json.Nodes;

namespace Pipeline.Reliability.Tests.Infrastructure;

/// <summary>What a damaged input must lead to.</summary>
/// <param name="Outcome"><c>reject</c> (a reject of <paramref name="Stream"/> whose reason contains <paramref name="Reason"/>),
/// <c>error</c> (a failed window of the stream whose error contains <paramref name="Message"/>), <c>load</c> (<paramref name="Sql"/>
/// returns <paramref name="EqualsValue"/>), <c>rows</c> (the stream's table holds <paramref name="Count"/> rows).</param>
/// <param name="AlsoFails">Streams that read the same damaged response and so fail too (an error's knock-on effect).</param>
internal sealed record Expectation(string Outcome, string Stream, string? Reason, string? Message, string? Sql, long? EqualsValue, long? Count, IReadOnlyList<string> AlsoFails)
{
    public static Expectation From(JsonNode node) => new(
        (string)node["outcome"]!,
        (string)node["stream"]!,
        (string?)node["reason"],
        (string?)node["message"],
        (string?)node["sql"],
        (long?)node["equals"],
        (long?)node["count"],
        node["alsoFails"]?.AsArray().Select(n => (string)n!).ToList() ?? []);

    public override string ToString() => $"{Outcome} {Stream} {Reason ?? Message ?? Sql ?? Count?.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}

/// <summary>One damaged API response from <c>Corpus/api/*.json</c>: where it is served and what is changed.</summary>
internal sealed record ApiCase(string Name, string Input, string Source, Expectation Expect, ResponseEdit Edit, int Times)
{
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "Corpus", "api");

    public static IReadOnlyList<ApiCase> Load(string source) =>
        [.. Directory.GetFiles(Folder, "*.json").Order(StringComparer.Ordinal).Select(Parse).Where(c => c.Source == source)];

    private static ApiCase Parse(string path)
    {
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        var edit = json["edit"]!;
        var array = (string?)edit["array"] ?? "";
        var index = (int?)edit["index"] ?? 0;
        var value = edit["repeat"] is { } repeat
            ? JsonValue.Create(string.Concat(Enumerable.Repeat((string)repeat["text"]!, (int)repeat["count"]!)))
            : edit["value"]?.DeepClone();
        Func<string, string> apply = (string)edit["op"]! switch
        {
            "set" => body => JsonEdits.Set(body, array, index, (string)edit["path"]!, value?.DeepClone()),
            "remove" => body => JsonEdits.Set(body, array, index, (string)edit["path"]!, null, remove: true),
            "duplicate" => body => JsonEdits.Duplicate(body, array, index),
            "truncate" => body => JsonEdits.Truncate(body, (double)edit["fraction"]!),
            var op => throw new InvalidDataException($"{path}: unknown edit '{op}'"),
        };
        return new ApiCase(
            Path.GetFileNameWithoutExtension(path),
            (string)json["input"]!,
            (string)json["source"]!,
            Expectation.From(json["expect"]!),
            new ResponseEdit((string)json["route"]!, (string?)json["bodyContains"], (int?)json["times"] ?? 1, apply, (string?)json["routeLacks"]),
            (int?)json["times"] ?? 1);
    }

    public override string ToString() => Name;
}

/// <summary>One folder of <c>Corpus/files</c>: CSV files as a user might save them, and what must follow.</summary>
internal sealed record FileCase(string Name, string Input, string SourceFolder, IReadOnlyList<Expectation> Expect, IReadOnlyDictionary<string, string> Expansions)
{
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "Corpus", "files");

    public static IEnumerable<string> Names() => Directory.GetDirectories(Folder).Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    public static FileCase Load(string name)
    {
        var folder = Path.Combine(Folder, name);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "case.json")))!;
        var expansions = json["expand"]?.AsObject().ToDictionary(
            kv => kv.Key,
            kv => string.Concat(Enumerable.Repeat((string)kv.Value!["text"]!, (int)kv.Value!["count"]!)))
            ?? [];
        return new FileCase(name, (string)json["input"]!, folder, [.. json["expect"]!.AsArray().Select(e => Expectation.From(e!))], expansions);
    }

    /// <summary>Copies the case's CSV files into <paramref name="folder"/>, byte for byte but for placeholders of huge values.</summary>
    public void CopyTo(string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(SourceFolder, "*.csv"))
        {
            var bytes = File.ReadAllBytes(file);
            if (Expansions.Count > 0)
            {
                var text = Encoding.UTF8.GetString(bytes);
                foreach (var (token, value) in Expansions)
                {
                    text = text.Replace(token, value, StringComparison.Ordinal);
                }

                bytes = Encoding.UTF8.GetBytes(text);
            }

            File.WriteAllBytes(Path.Combine(folder, Path.GetFileName(file)), bytes);
        }
    }

    public override string ToString() => Name;
}
