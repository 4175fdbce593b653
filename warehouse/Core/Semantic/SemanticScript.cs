namespace Pipeline.Warehouse.Semantic;

/// <summary>One view (or table function) of the semantic layer: the engine's SQL from Scripts/Semantic/&lt;schema&gt;/&lt;name&gt;.sql.</summary>
public sealed record SemanticScript(string Schema, string Name, string Sql)
{
    public string Key => Schema + "." + Name;
}

/// <summary>What a view and its columns mean (warehouse/Semantic/&lt;schema&gt;/&lt;name&gt;.json), for every engine.</summary>
public sealed record ViewDocs(string? Description, IReadOnlyList<ColumnDoc> Columns)
{
    public static ViewDocs None { get; } = new(null, []);
}

/// <summary>A column description a view's docs set (columns left out get the <see cref="ColumnGlossary"/> text).</summary>
public sealed record ColumnDoc(string Column, string Description);
