using System.Collections;
using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Pipeline.Connectors.Streams;

namespace Pipeline.Etl.Configuration;

/// <summary>
/// Checks a configuration against the shape of <see cref="PipelineOptions"/> (unknown keys, values that do not
/// convert) and then its meaning (engine names, required settings), naming each bad key and its origin.
/// </summary>
public static class ConfigValidator
{
    private static readonly string[] LogLevels = ["Verbose", "Debug", "Information", "Warning", "Error", "Fatal"];

    public static PipelineOptions BindAndValidate(IConfigurationRoot configuration)
    {
        var errors = Validate(configuration, out var options);
        if (errors.Count > 0)
        {
            throw new ConfigException(errors);
        }

        return options!;
    }

    public static IReadOnlyList<ConfigError> Validate(IConfigurationRoot configuration, out PipelineOptions? options)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var errors = new List<ConfigError>();
        foreach (var child in configuration.GetChildren())
        {
            CheckShape(configuration, child, typeof(PipelineOptions), errors);
        }

        options = null;
        if (errors.Count > 0)
        {
            return errors;
        }

        options = new PipelineOptions();
        configuration.Bind(options);
        BindSources(configuration.GetSection("Sources"), options.Sources);
        CheckMeaning(configuration, options, errors);
        return errors;
    }

    private static void CheckShape(IConfigurationRoot root, IConfigurationSection section, Type owner, List<ConfigError> errors)
    {
        var property = owner.GetProperty(section.Key, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        if (property is null)
        {
            var known = string.Join(", ", owner.GetProperties().Select(p => p.Name));
            errors.Add(new ConfigError(section.Path, ConfigOrigin.Of(root, section.Path), $"unknown key '{section.Key}' (known here: {(known.Length == 0 ? "none yet" : known)})"));
            return;
        }

        CheckValue(root, section, property.PropertyType, errors);
    }

    /// <summary>Each section under <c>Sources</c> binds to its module's options type (shape checked before).</summary>
    private static void BindSources(IConfigurationSection sources, SourcesOptions options)
    {
        foreach (var child in sources.GetChildren())
        {
            var module = Sources.Find(child.Key)!;
            options.Set(module.Section, (ISourceOptions)(child.Get(module.OptionsType) ?? Activator.CreateInstance(module.OptionsType)!));
        }
    }

    /// <summary><c>Sources</c> has one section per module, named by the module, not by a property.</summary>
    private static void CheckSources(IConfigurationRoot root, IConfigurationSection section, List<ConfigError> errors)
    {
        foreach (var child in section.GetChildren())
        {
            if (Sources.Modules.FirstOrDefault(m => string.Equals(m.Section, child.Key, StringComparison.OrdinalIgnoreCase)) is { } module)
            {
                CheckValue(root, child, module.OptionsType, errors);
            }
            else
            {
                errors.Add(new ConfigError(child.Path, ConfigOrigin.Of(root, child.Path),
                    $"unknown source '{child.Key}' (known here: {string.Join(", ", Sources.Modules.Select(m => m.Section))})"));
            }
        }
    }

    private static void CheckValue(IConfigurationRoot root, IConfigurationSection section, Type type, List<ConfigError> errors)
    {
        if (type == typeof(SourcesOptions))
        {
            CheckSources(root, section, errors);
            return;
        }

        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (IsLeaf(target))
        {
            if (section.GetChildren().Any())
            {
                errors.Add(new ConfigError(section.Path, ConfigOrigin.Of(root, section.GetChildren().First().Path), $"expected a single {Describe(target)} value, found a section"));
                return;
            }

            if (section.Value is null)
            {
                return;
            }

            if (!Converts(section.Value, target))
            {
                errors.Add(new ConfigError(section.Path, ConfigOrigin.Of(root, section.Path), $"'{SecretKeys.Display(section.Path, section.Value)}' is not a valid {Describe(target)}"));
            }

            return;
        }

        if (section.Value is not null && !section.GetChildren().Any())
        {
            errors.Add(new ConfigError(section.Path, ConfigOrigin.Of(root, section.Path), "expected a section, found a single value"));
            return;
        }

        var element = ElementType(target);
        foreach (var child in section.GetChildren())
        {
            if (element is not null)
            {
                if (IsList(target) && !int.TryParse(child.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                {
                    errors.Add(new ConfigError(child.Path, ConfigOrigin.Of(root, child.Path), "expected a list item"));
                    continue;
                }

                CheckValue(root, child, element, errors);
            }
            else
            {
                CheckShape(root, child, target, errors);
            }
        }
    }

    private static void CheckReporting(Warehouse.ReportingSettings reporting, Action<string, string> fail)
    {
        if (reporting.Currency is not { Length: 3 } currency || !currency.All(char.IsAsciiLetterUpper))
        {
            fail("Reporting:Currency", $"'{reporting.Currency}' is not an ISO 4217 code (three capital letters, e.g. EUR)");
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(reporting.TimeZone ?? "", out _) || reporting.TimeZone!.Contains('\'', StringComparison.Ordinal))
        {
            fail("Reporting:TimeZone", $"'{reporting.TimeZone}' is not a time zone (use an IANA name such as Europe/Berlin)");
        }

        if (reporting.GrossMargin is < 0m or > 1m)
        {
            fail("Reporting:GrossMargin", $"{reporting.GrossMargin} is outside 0..1 (a fraction: 0.6 for 60 %)");
        }

        if (reporting.ExpectedLifespanMonths is < 1 or > 600)
        {
            fail("Reporting:ExpectedLifespanMonths", $"{reporting.ExpectedLifespanMonths} is outside 1..600");
        }

        if (reporting.AnomalyWindowDays is < 7 or > 366)
        {
            fail("Reporting:AnomalyWindowDays", $"{reporting.AnomalyWindowDays} is outside 7..366");
        }

        if (reporting.AnomalyThreshold is <= 0m or > 100m)
        {
            fail("Reporting:AnomalyThreshold", $"{reporting.AnomalyThreshold} must be above 0 and at most 100");
        }

        if (reporting.CrmMaturityDays is < 0 or > 730)
        {
            fail("Reporting:CrmMaturityDays", $"{reporting.CrmMaturityDays} is outside 0..730");
        }

        if (!Warehouse.AttributionModels.IsKnown(reporting.Attribution))
        {
            fail("Reporting:Attribution", $"'{reporting.Attribution}' is not an attribution model (use {string.Join(" or ", Warehouse.AttributionModels.All)})");
        }

        if (reporting.AnomalyMinDenominator is < 1 or > 1_000_000)
        {
            fail("Reporting:AnomalyMinDenominator", $"{reporting.AnomalyMinDenominator} is outside 1..1000000");
        }

        if (reporting.AnomalyMinCount is < 0 or > 1_000_000)
        {
            fail("Reporting:AnomalyMinCount", $"{reporting.AnomalyMinCount} is outside 0..1000000");
        }

        if (reporting.AnomalyMinChange is < 0m or > 100m)
        {
            fail("Reporting:AnomalyMinChange", $"{reporting.AnomalyMinChange} is outside 0..100 (a fraction: 0.2 for 20 %)");
        }

        if (reporting.MinLtvHistoryMonths is < 1 or > 120)
        {
            fail("Reporting:MinLtvHistoryMonths", $"{reporting.MinLtvHistoryMonths} is outside 1..120");
        }
    }

    private static void CheckMeaning(IConfigurationRoot root, PipelineOptions options, List<ConfigError> errors)
    {
        void Fail(string key, string message) => errors.Add(new ConfigError(key, ConfigOrigin.Of(root, key), message));

        var engine = options.Warehouse.Engine;
        if (engine is not (WarehouseOptions.DuckDbEngine or WarehouseOptions.SqlServerEngine))
        {
            Fail("Warehouse:Engine", $"'{engine}' is not an engine (use duckdb or sqlserver)");
        }

        if (engine == WarehouseOptions.DuckDbEngine)
        {
            var path = options.Warehouse.DuckDb.Path;
            if (string.IsNullOrWhiteSpace(path))
            {
                Fail("Warehouse:DuckDb:Path", "is empty");
            }
            else if (Directory.Exists(path))
            {
                Fail("Warehouse:DuckDb:Path", $"'{path}' is a folder; give the database file");
            }
            else if (path.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
            {
                Fail("Warehouse:DuckDb:Path", $"'{path}' is not a valid path");
            }

            if (!Pipeline.Warehouse.DuckDb.DuckDbWarehouseOptions.IsMemoryLimit(options.Warehouse.DuckDb.MemoryLimit))
            {
                Fail("Warehouse:DuckDb:MemoryLimit", $"'{options.Warehouse.DuckDb.MemoryLimit}' is not a size like 512MB or 2GB");
            }

            if (!Pipeline.Warehouse.DuckDb.DuckDbWarehouseOptions.IsMemoryLimit(options.Warehouse.DuckDb.QueryMemoryLimit))
            {
                Fail("Warehouse:DuckDb:QueryMemoryLimit", $"'{options.Warehouse.DuckDb.QueryMemoryLimit}' is not a size like 512MB or 2GB");
            }
        }

        if (engine == WarehouseOptions.SqlServerEngine && string.IsNullOrWhiteSpace(options.Warehouse.SqlServer.ConnectionString))
        {
            Fail("Warehouse:SqlServer:ConnectionString", "is required when Warehouse:Engine is sqlserver");
        }

        foreach (var (module, source) in options.Sources.Configured)
        {
            foreach (var problem in source.Validate())
            {
                Fail($"Sources:{module.Section}:{problem.Key}", problem.Message);
            }
        }

        CheckReporting(options.Reporting, Fail);
        Scheduling.OperationsConfig.Check(options, Fail);
        BackupOptions.Check(options.Backup, Fail);
        SyncOptions.Check(options.Sync, Fail);
        Delivery.DeliveryConfig.Check(options, Fail);

        if (!LogLevels.Contains(options.Logging.Level, StringComparer.OrdinalIgnoreCase))
        {
            Fail("Logging:Level", $"'{options.Logging.Level}' is not a level (use {string.Join(", ", LogLevels)})");
        }
    }

    private static bool IsLeaf(Type t) => t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(DateOnly)
        || t == typeof(DateTime) || t == typeof(TimeSpan) || t == typeof(Uri) || t == typeof(TimeOnly);

    private static bool IsList(Type t) => t.IsArray || (t.IsGenericType && t.GetGenericTypeDefinition() is var g && (g == typeof(List<>) || g == typeof(IList<>) || g == typeof(IReadOnlyList<>)));

    private static Type? ElementType(Type t)
    {
        if (t.IsArray)
        {
            return t.GetElementType();
        }

        if (!t.IsGenericType || !typeof(IEnumerable).IsAssignableFrom(t))
        {
            return null;
        }

        var args = t.GetGenericArguments();
        return args.Length == 2 ? args[1] : args[0];
    }

    private static bool Converts(string value, Type target)
    {
        if (target == typeof(string))
        {
            return true;
        }

        try
        {
            _ = TypeDescriptor.GetConverter(target).ConvertFromInvariantString(value);
            return true;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or NotSupportedException or OverflowException)
        {
            return false;
        }
    }

    private static string Describe(Type t) => t switch
    {
        _ when t == typeof(bool) => "boolean (true/false)",
        _ when t == typeof(int) || t == typeof(long) => "whole number",
        _ when t == typeof(decimal) || t == typeof(double) => "number",
        _ when t == typeof(TimeSpan) => "duration (hh:mm:ss)",
        _ when t == typeof(DateOnly) => "date (yyyy-mm-dd)",
        _ when t == typeof(Uri) => "URL",
        _ when t.IsEnum => $"one of {string.Join(", ", Enum.GetNames(t))}",
        _ => t.Name,
    };
}
