using Microsoft.Extensions.Configuration;
using Pipeline.Etl.Configuration;
using Spectre.Console;

namespace Pipeline.Cli.Commands;

/// <summary>
/// <c>pipeline config check</c>: validates without touching the warehouse. Each error names the key and the file
/// or variable it came from; on success the effective settings are listed with secrets masked.
/// </summary>
internal static class ConfigCheckCommand
{
    public static int Run(CliEnvironment env, FileInfo? configFile)
    {
        var configuration = ConfigurationFiles.Load(configFile?.FullName, env.BaseDirectory);
        var errors = ConfigValidator.Validate(configuration, out _);
        if (errors.Count > 0)
        {
            foreach (var error in errors)
            {
                env.Error.WriteLine($"pipeline: config error: {error}");
            }

            return ExitCodes.Usage;
        }

        var console = env.CreateConsole();
        var table = new Table().Title("Effective configuration").AddColumns("Key", "Value", "From");
        foreach (var (key, value) in configuration.AsEnumerable().Where(kv => kv.Value is not null).OrderBy(kv => kv.Key, StringComparer.OrdinalIgnoreCase))
        {
            table.AddRow(Markup.Escape(key), Markup.Escape(SecretKeys.Display(key, value)), Markup.Escape(ConfigOrigin.Of(configuration, key) ?? ""));
        }

        console.Write(table);
        console.MarkupLine("Configuration OK");
        return ExitCodes.Ok;
    }
}
