using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace Pipeline.Etl.Configuration;

/// <summary>
/// Where configuration comes from, later sources winning: the shipped <c>appsettings.json</c> beside the binary,
/// then the user's file (<c>--config</c>, else <c>$PIPELINE_CONFIG</c>, else <c>./pipeline.json</c> if present),
/// then <c>PIPELINE__…</c> environment variables (e.g. <c>PIPELINE__WAREHOUSE__DUCKDB__PATH</c>).
/// </summary>
public static class ConfigurationFiles
{
    public const string EnvironmentPrefix = "PIPELINE__";
    public const string UserFileVariable = "PIPELINE_CONFIG";
    public const string DefaultUserFile = "pipeline.json";

    /// <summary>Builds the configuration; a missing or malformed file is a <see cref="ConfigException"/> naming it.</summary>
    public static IConfigurationRoot Load(string? userFile, string? baseDirectory = null, bool environment = true)
    {
        var builder = new ConfigurationBuilder();
        var shipped = Path.Combine(baseDirectory ?? AppContext.BaseDirectory, "appsettings.json");
        AddJson(builder, shipped, optional: true);

        var explicitFile = userFile ?? Environment.GetEnvironmentVariable(UserFileVariable);
        if (!string.IsNullOrWhiteSpace(explicitFile))
        {
            var full = Path.GetFullPath(explicitFile);
            if (!File.Exists(full))
            {
                throw new ConfigException($"config file not found: {full}");
            }

            AddJson(builder, full, optional: false);
        }
        else if (File.Exists(DefaultUserFile))
        {
            AddJson(builder, Path.GetFullPath(DefaultUserFile), optional: false);
        }

        if (environment)
        {
            builder.AddEnvironmentVariables(EnvironmentPrefix);
        }

        try
        {
            return builder.Build();
        }
        catch (InvalidDataException ex)
        {
            throw new ConfigException(OneLine(ex), ex);
        }
        catch (FormatException ex)
        {
            throw new ConfigException(OneLine(ex), ex);
        }
    }

    private static void AddJson(ConfigurationBuilder builder, string fullPath, bool optional) =>
        builder.AddJsonFile(source =>
        {
            source.FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(Path.GetDirectoryName(fullPath)!);
            source.Path = Path.GetFileName(fullPath);
            source.Optional = optional;
            source.ReloadOnChange = false;
        });

    /// <summary>"Failed to load configuration from file 'x'" plus the JSON reader's position, on one line.</summary>
    private static string OneLine(Exception ex)
    {
        var json = ex.InnerException as JsonException ?? ex.InnerException?.InnerException as JsonException;
        var detail = json is null
            ? ex.InnerException?.Message ?? ""
            : $"invalid JSON at line {json.LineNumber + 1}, byte {json.BytePositionInLine + 1}";
        var head = ex.Message.TrimEnd('.');
        return string.Join(' ', $"{head}: {detail}".Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).TrimEnd(':', ' ');
    }
}
