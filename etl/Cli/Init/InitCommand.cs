using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Pipeline.Cli.Init;

/// <summary>What <c>pipeline init</c> was asked for.</summary>
internal sealed record InitRequest(
    string Output,
    bool Force,
    bool NonInteractive,
    IReadOnlyList<string>? Sources,
    Uri? Sandbox,
    string? Warehouse,
    IReadOnlyDictionary<string, SourceAnswers> Answers);

/// <summary>
/// <c>pipeline init</c>: writes a commented <c>pipeline.json</c> for the sources the user picks (Spectre prompts, or
/// <c>--sources … --non-interactive</c>), or, with <c>--sandbox URL</c>, one that works against a running sandbox.
/// Never overwrites a file without <c>--force</c>; the file appears whole or not at all.
/// </summary>
internal static class InitCommand
{
    public static Command Build(CliEnvironment env)
    {
        var sources = new Option<string?>("--sources") { Description = $"Comma-separated sources to configure: {string.Join(", ", InitTemplates.SourceNames)}" };
        sources.Validators.Add(r =>
        {
            if (r.Tokens is [var token] && ParseSources(token.Value, out var error) is null)
            {
                r.AddError(error!);
            }
        });
        var nonInteractive = new Option<bool>("--non-interactive") { Description = "Ask nothing (for scripts): needs --sources or --sandbox; ids not given become placeholders" };
        var output = new Option<string>("--output", "-o") { Description = "File to write", DefaultValueFactory = _ => Etl.Configuration.ConfigurationFiles.DefaultUserFile };
        var force = new Option<bool>("--force") { Description = "Overwrite the file if it exists" };
        var sandbox = new Option<string?>("--sandbox") { Description = "Write a configuration for the running API sandbox at this URL (e.g. http://127.0.0.1:5055/)" };
        sandbox.Validators.Add(r =>
        {
            if (r.Tokens is [var token] && !(Uri.TryCreate(token.Value, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"))
            {
                r.AddError($"--sandbox '{token.Value}' is not an http:// URL");
            }
        });
        var warehouse = new Option<string?>("--warehouse") { Description = "DuckDB warehouse file (default data/warehouse.duckdb; data/sandbox.duckdb with --sandbox)" };
        var ga4 = IdOption("--ga4-property", "GA4 property id(s), comma-separated", "ga4");
        var meta = IdOption("--meta-ad-account", "Meta ad account id(s), comma-separated (act_ optional)", "meta");
        var hubspot = IdOption("--hubspot-portal", "HubSpot portal id", "hubspot");
        var folder = new Option<string?>("--files-folder") { Description = "Folder of the CSV files (default files)" };

        var init = new Command("init", "Write a commented pipeline.json for your sources (prompts), or for a running sandbox (--sandbox URL)");
        foreach (var option in new Option[] { sources, nonInteractive, output, force, sandbox, warehouse, ga4, meta, hubspot, folder })
        {
            init.Options.Add(option);
        }

        init.SetAction((p, ct) =>
        {
            var answers = new Dictionary<string, SourceAnswers>(StringComparer.Ordinal);
            foreach (var (name, option) in new[] { ("ga4", ga4), ("meta", meta), ("hubspot", hubspot) })
            {
                if (p.GetValue(option) is { } text)
                {
                    answers[name] = new SourceAnswers(ParseIds(name, text, out _)!);
                }
            }

            if (p.GetValue(folder) is { } filesFolder)
            {
                answers["files"] = new SourceAnswers([], filesFolder);
            }

            var request = new InitRequest(
                p.GetValue(output)!, p.GetValue(force), p.GetValue(nonInteractive),
                p.GetValue(sources) is { } list ? ParseSources(list, out _) : null,
                p.GetValue(sandbox) is { } url ? new Uri(url, UriKind.Absolute) : null, p.GetValue(warehouse), answers);
            return RunAsync(env, request, ct);
        });
        return init;
    }

    public static async Task<int> RunAsync(CliEnvironment env, InitRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var output = Path.GetFullPath(request.Output);
            CheckOutput(output, request.Force);
            var plan = request.Sandbox is { } url
                ? await SandboxInit.PlanAsync(url, request.Sources ?? InitTemplates.SourceNames, Path.GetDirectoryName(output)!, cancellationToken)
                : RealPlan(env, request);
            var warehouse = request.Warehouse ?? (request.Sandbox is null ? "data/warehouse.duckdb" : "data/sandbox.duckdb");
            var text = Render(plan, warehouse);
            Write(output, text, request.Force);
            await WriteNextStepsAsync(env, output, plan);
            return ExitCodes.Ok;
        }
        catch (InitException ex)
        {
            await env.Error.WriteLineAsync($"pipeline: error: {ex.Message}");
            return ex.ExitCode;
        }
    }

    /// <summary>Sources in the order init offers them; null (and the error) when a name is unknown or none is given.</summary>
    internal static IReadOnlyList<string>? ParseSources(string list, out string? error)
    {
        var names = list.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(n => n.ToLowerInvariant()).ToList();
        var unknown = names.FirstOrDefault(n => !InitTemplates.SourceNames.Contains(n));
        error = unknown is not null ? $"--sources: unknown source '{unknown}' (valid: {string.Join(", ", InitTemplates.SourceNames)})"
            : names.Count == 0 ? $"--sources: name at least one of {string.Join(", ", InitTemplates.SourceNames)}"
            : null;
        return error is null ? [.. InitTemplates.SourceNames.Where(names.Contains)] : null;
    }

    /// <summary>Numeric ids (Meta's act_ prefix dropped); null (and the error) when one is not a number.</summary>
    internal static IReadOnlyList<string>? ParseIds(string source, string text, out string? error)
    {
        var ids = text.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(id => source == "meta" && id.StartsWith("act_", StringComparison.OrdinalIgnoreCase) ? id[4..] : id)
            .ToList();
        var bad = ids.FirstOrDefault(id => !id.All(char.IsAsciiDigit));
        error = bad is not null ? $"'{bad}' is not a numeric {IdName(source)}"
            : source == "hubspot" && ids.Count > 1 ? "give one HubSpot portal id"
            : null;
        return error is null ? ids.Distinct(StringComparer.Ordinal).ToList() : null;
    }

    private static Option<string?> IdOption(string name, string description, string source)
    {
        var option = new Option<string?>(name) { Description = description };
        option.Validators.Add(r =>
        {
            if (r.Tokens is [var token] && ParseIds(source, token.Value, out var error) is null)
            {
                r.AddError($"{name}: {error}");
            }
        });
        return option;
    }

    private static string IdName(string source) => source switch
    {
        "ga4" => "GA4 property id (GA4 Admin > Property details; not the G-... measurement id)",
        "meta" => "Meta ad account id (the number after act_)",
        _ => "HubSpot portal id",
    };

    private static void CheckOutput(string output, bool force)
    {
        if (Directory.Exists(output))
        {
            throw new InitException($"--output {output} is a folder; name the file to write");
        }

        if (File.Exists(output) && !force)
        {
            throw new InitException($"{output} exists; pass --force to overwrite it");
        }

        var folder = Path.GetDirectoryName(output)!;
        if (!Directory.Exists(folder))
        {
            throw new InitException($"--output {output}: the folder {folder} does not exist");
        }
    }

    private static InitPlan RealPlan(CliEnvironment env, InitRequest request)
    {
        IReadOnlyList<string> chosen;
        var answers = new Dictionary<string, SourceAnswers>(request.Answers, StringComparer.Ordinal);
        if (request.NonInteractive)
        {
            chosen = request.Sources ?? throw new InitException($"--non-interactive needs --sources (some of {string.Join(", ", InitTemplates.SourceNames)}) or --sandbox URL");
        }
        else
        {
            var console = env.PromptConsole()
                ?? throw new InitException("pipeline init asks its questions in a terminal; here use --sources ga4,meta,... --non-interactive (or --sandbox URL)");
            chosen = InitPrompts.Ask(console, request.Sources, answers);
        }

        var plan = new InitPlan(null);
        foreach (var source in chosen)
        {
            var given = answers.GetValueOrDefault(source) ?? new SourceAnswers([]);
            var (section, secrets) = InitTemplates.Section(source, given);
            plan.Sections.Add((source, section));
            plan.Secrets.AddRange(secrets);
            if (given.Ids.Count == 0 && source is "ga4" or "meta")
            {
                plan.Placeholders.Add(source == "ga4"
                    ? new("Sources:Ga4:Properties", $"PropertyId {InitTemplates.Ga4PlaceholderProperty} is a placeholder: put your property id.")
                    : new("Sources:Meta", $"AdAccountIds {InitTemplates.MetaPlaceholderAccount} is a placeholder: put your ad account ids."));
            }
        }

        return plan;
    }

    private static string Render(InitPlan plan, string warehouse)
    {
        var sources = new JsonObject();
        foreach (var (source, section) in plan.Sections)
        {
            sources[InitTemplates.SectionName(source)] = section;
        }

        var root = new JsonObject
        {
            ["Warehouse"] = new JsonObject { ["Engine"] = "duckdb", ["DuckDb"] = new JsonObject { ["Path"] = warehouse, ["MemoryLimit"] = "96MB", ["QueryMemoryLimit"] = "2GB" } },
            ["Logging"] = new JsonObject { ["Level"] = "Information", ["Directory"] = "logs" },
            ["Reporting"] = new JsonObject { ["Currency"] = "EUR", ["TimeZone"] = plan.Sandbox is null ? "UTC" : "Europe/Berlin" },
            ["Sources"] = sources,
        };
        var names = string.Join(", ", plan.Sections.Select(s => s.Source));
        var header = new List<string> { $"Pipeline configuration written by `pipeline init` for: {names}.", "JSON with comments; check it with `pipeline config check`." };
        if (plan.Sandbox is { } url)
        {
            header.Add($"It points at the API sandbox at {url}: its credentials are fake and open only that sandbox.");
            header.Add("For your real accounts run `pipeline init` again without --sandbox (and another --output).");
        }
        else if (plan.Secrets.Count > 0)
        {
            header.Add("Secrets are not in this file: each goes in the environment variable its section names.");
        }

        var notes = plan.Secrets.Select(s => (s.ObjectPath, Line: s.Note)).Concat(plan.Placeholders.Select(p => (p.ObjectPath, Line: p.Text))).ToList();
        return CommentedJson.Render(header, root, InitTemplates.CommentOf, path => notes.Where(n => n.ObjectPath == path).Select(n => n.Line));
    }

    /// <summary>The whole file or nothing: written beside the target, then moved over it.</summary>
    private static void Write(string output, string text, bool force)
    {
        var temporary = $"{output}.{Guid.NewGuid():N}.tmp";
        try
        {
            File.WriteAllText(temporary, text);
            File.Move(temporary, output, overwrite: force);
        }
        catch (IOException ex)
        {
            throw new InitException(File.Exists(output) && !force ? $"{output} exists; pass --force to overwrite it" : $"cannot write {output}: {ex.Message}");
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new InitException($"cannot write {output}: {ex.Message}");
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static async Task WriteNextStepsAsync(CliEnvironment env, string output, InitPlan plan)
    {
        var configArgument = Path.GetFullPath(Etl.Configuration.ConfigurationFiles.DefaultUserFile) == output ? "" : $" --config {output}";
        await env.Out.WriteLineAsync($"Wrote {output} ({string.Join(", ", plan.Sections.Select(s => s.Source))}).");
        if (plan.Secrets.Count > 0 || plan.Placeholders.Count > 0)
        {
            await env.Out.WriteLineAsync($"Before the first sync (how to get each credential: {InitTemplates.GuideLink}):");
            foreach (var secret in plan.Secrets)
            {
                await env.Out.WriteLineAsync($"  export {secret.Variable}='...'    # {secret.What}");
            }

            foreach (var placeholder in plan.Placeholders)
            {
                await env.Out.WriteLineAsync($"  edit the file: {placeholder.Text}");
            }
        }

        foreach (var note in plan.Skipped)
        {
            await env.Out.WriteLineAsync(note);
        }

        await env.Out.WriteLineAsync($"Then: pipeline config check{configArgument} && pipeline sync{configArgument}");
    }
}

/// <summary>What init writes: sections by source, the secrets left to the environment, placeholders to edit.</summary>
internal sealed class InitPlan(Uri? sandbox)
{
    public Uri? Sandbox { get; } = sandbox;

    public List<(string Source, JsonObject Section)> Sections { get; } = [];

    public List<SecretVariable> Secrets { get; } = [];

    public List<(string ObjectPath, string Text)> Placeholders { get; } = [];

    /// <summary>Sources asked for that could not be configured (with the reason), said after writing.</summary>
    public List<string> Skipped { get; } = [];
}

/// <summary>A bad answer or a refused write: one line, nothing written.</summary>
internal sealed class InitException(string message, int exitCode = ExitCodes.Usage) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
