using Spectre.Console;

namespace Pipeline.Cli.Init;

/// <summary>The questions of an interactive <c>pipeline init</c>: which sources, then each source's ids.</summary>
internal static class InitPrompts
{
    /// <summary>Asks which sources (those of <c>--sources</c> preselected) and fills in the answers not given as options.</summary>
    public static IReadOnlyList<string> Ask(IAnsiConsole console, IReadOnlyList<string>? preselected, Dictionary<string, SourceAnswers> answers)
    {
        var which = new MultiSelectionPrompt<string>()
            .Title("Which sources do you use?")
            .InstructionsText("[grey](space selects, enter accepts)[/]")
            .UseConverter(Label)
            .AddChoices(InitTemplates.SourceNames);
        foreach (var name in preselected ?? [])
        {
            which.Select(name);
        }

        var chosen = console.Prompt(which);
        foreach (var source in InitTemplates.SourceNames.Where(chosen.Contains))
        {
            if (answers.ContainsKey(source))
            {
                continue;
            }

            answers[source] = source switch
            {
                "ga4" => new SourceAnswers(AskIds(console, source, "GA4 property id(s), comma-separated:", required: true)),
                "meta" => new SourceAnswers(AskIds(console, source, "Meta ad account id(s), comma-separated:", required: true)),
                "hubspot" => new SourceAnswers(AskIds(console, source, "HubSpot portal id (empty: read it from the token):", required: false)),
                "files" => new SourceAnswers([], console.Prompt(new TextPrompt<string>("Folder of the CSV files:").DefaultValue("files"))),
                _ => new SourceAnswers([]),
            };
        }

        return [.. InitTemplates.SourceNames.Where(chosen.Contains)];
    }

    private static IReadOnlyList<string> AskIds(IAnsiConsole console, string source, string question, bool required)
    {
        var prompt = new TextPrompt<string>(question).Validate(text =>
            string.IsNullOrWhiteSpace(text) ? (required ? ValidationResult.Error("give at least one id") : ValidationResult.Success())
            : InitCommand.ParseIds(source, text, out var error) is null ? ValidationResult.Error(Markup.Escape(error!))
            : ValidationResult.Success());
        if (!required)
        {
            prompt.AllowEmpty();
        }

        var answer = console.Prompt(prompt);
        return InitCommand.ParseIds(source, answer, out _) ?? [];
    }

    private static string Label(string source) => source switch
    {
        "ga4" => "ga4        Google Analytics 4",
        "meta" => "meta       Meta (Facebook/Instagram) Ads",
        "mailchimp" => "mailchimp  Mailchimp",
        "hubspot" => "hubspot    HubSpot CRM",
        _ => "files      CSV files (costs, NPS, targets, FX)",
    };
}
