namespace Pipeline.Etl.Configuration;

/// <summary>One thing wrong with the configuration: which key, where it came from, and what is wrong.</summary>
public sealed record ConfigError(string Key, string? Origin, string Message)
{
    public override string ToString() => Origin is null ? $"{Key}: {Message}" : $"{Key} ({Origin}): {Message}";
}

/// <summary>The configuration cannot be used; <see cref="Exception.Message"/> is one line.</summary>
public sealed class ConfigException : Exception
{
    public ConfigException(IReadOnlyList<ConfigError> errors)
        : base(errors.Count == 1 ? $"invalid configuration: {errors[0]}" : $"invalid configuration: {errors[0]} (and {errors.Count - 1} more)")
    {
        Errors = errors;
    }

    public ConfigException(string message) : base(message)
    {
        Errors = [];
    }

    public ConfigException() : this("invalid configuration") { }

    public ConfigException(string message, Exception inner) : base(message, inner)
    {
        Errors = [];
    }

    public IReadOnlyList<ConfigError> Errors { get; }
}
