namespace Pipeline.Connectors.Streams;

/// <summary>One column of a stream.</summary>
/// <param name="Name">Column name in the warehouse (snake_case, stable).</param>
/// <param name="Type">Logical type.</param>
/// <param name="Nullable">Whether the API may omit it.</param>
/// <param name="NonAdditive">
/// Distinct counts and similar (GA4 totalUsers, Meta reach): summing them across days or segments overcounts,
/// so views must never aggregate them beyond the grain they were read at.
/// </param>
/// <param name="Description">
/// What the column holds where its name alone could mislead, above all a unit that differs from its neighbours
/// (a percent beside fractions, cents beside units); the engines publish it as the staging column's comment.
/// </param>
public sealed record FieldDef(string Name, FieldType Type, bool Nullable = true, bool NonAdditive = false, string? Description = null);
