using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;

namespace Pipeline.Etl.Configuration;

/// <summary>Names where a key's effective value came from, so an error can point at the file or variable to fix.</summary>
public static class ConfigOrigin
{
    public static string? Of(IConfigurationRoot root, string key)
    {
        ArgumentNullException.ThrowIfNull(root);
        var leaf = root.GetSection(key).Value is not null
            ? key
            : root.GetSection(key).AsEnumerable().Where(kv => kv.Value is not null).Select(kv => kv.Key).FirstOrDefault();
        if (leaf is null)
        {
            return null;
        }

        foreach (var provider in root.Providers.Reverse())
        {
            if (provider.TryGet(leaf, out _))
            {
                return Describe(provider, leaf);
            }
        }

        return null;
    }

    private static string Describe(IConfigurationProvider provider, string key) => provider switch
    {
        JsonConfigurationProvider json => json.Source.FileProvider?.GetFileInfo(json.Source.Path ?? "").PhysicalPath ?? json.Source.Path ?? "json file",
        EnvironmentVariablesConfigurationProvider => "environment variable " + ConfigurationFiles.EnvironmentPrefix + key.Replace(":", "__", StringComparison.Ordinal).ToUpperInvariant(),
        _ => provider.ToString() ?? provider.GetType().Name,
    };
}
