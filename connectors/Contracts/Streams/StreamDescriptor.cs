using System.Text.RegularExpressions;

namespace Pipeline.Connectors.Streams;

/// <summary>
/// Everything the warehouse needs to know about one stream of a source: its schema, natural key, cursor and
/// how loads replace rows. The staging table is <c>staging.{Source}_{Name}</c>.
/// </summary>
public sealed partial record StreamDescriptor
{
    public StreamDescriptor(
        string source,
        string name,
        StreamKind kind,
        IReadOnlyList<FieldDef> fields,
        IReadOnlyList<string> primaryKey,
        string cursorField,
        int defaultLookbackDays = 0)
    {
        Source = source;
        Name = name;
        Kind = kind;
        Fields = fields;
        PrimaryKey = primaryKey;
        CursorField = cursorField;
        DefaultLookbackDays = defaultLookbackDays;
        Validate();
    }

    public string Source { get; }
    public string Name { get; }
    public StreamKind Kind { get; }
    public IReadOnlyList<FieldDef> Fields { get; }
    public IReadOnlyList<string> PrimaryKey { get; }
    public string CursorField { get; }
    public int DefaultLookbackDays { get; }

    /// <summary>Unqualified staging table name.</summary>
    public string TableName => $"{Source}_{Name}";

    public int IndexOf(string field)
    {
        for (var i = 0; i < Fields.Count; i++)
        {
            if (Fields[i].Name == field)
            {
                return i;
            }
        }

        return -1;
    }

    public FieldDef Field(string name) =>
        IndexOf(name) is var i and >= 0 ? Fields[i] : throw new KeyNotFoundException($"stream {Source}.{Name} has no field '{name}'");

    private void Validate()
    {
        Require(IdentifierPattern().IsMatch(Source), $"source name '{Source}' must be lower snake_case");
        Require(IdentifierPattern().IsMatch(Name), $"stream name '{Name}' must be lower snake_case");
        Require(Fields.Count > 0, "a stream needs at least one field");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in Fields)
        {
            Require(IdentifierPattern().IsMatch(f.Name), $"field name '{f.Name}' must be lower snake_case");
            Require(names.Add(f.Name), $"field '{f.Name}' is declared twice");
        }

        Require(PrimaryKey.Count > 0, "a stream needs a primary key");
        foreach (var k in PrimaryKey)
        {
            Require(names.Contains(k), $"primary key field '{k}' is not a field");
        }

        Require(names.Contains(CursorField), $"cursor field '{CursorField}' is not a field");
        if (Kind == StreamKind.Report)
        {
            Require(Field(CursorField).Type == FieldType.Date, "a report stream's cursor field must be a date");
        }

        Require(DefaultLookbackDays is >= 0 and <= 366, "default lookback must be 0..366 days");
    }

    private void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException($"stream {Source}.{Name}: {message}");
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex IdentifierPattern();
}
