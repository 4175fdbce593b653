namespace Pipeline.Sandbox.World;

/// <summary>
/// A small second CRM (Pipedrive): persons and the deals they hold, spread over the world's days. It does not feed
/// the marts; it exists so the Pipedrive connector has something true to read. Times are UTC, as Pipedrive sends them.
/// </summary>
public sealed class PipedriveWorld
{
    public const string ApiToken = "pd-sandbox-0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    public const string Currency = "EUR";

    public PipedriveWorld(WorldOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var seed = options.Seed + 7_001;
        var start = options.StartDate.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var span = TimeSpan.FromDays(options.Days);
        DateTime At(long kind, long i) => start + (span * Det.Unit(seed, kind, i));

        Persons = [.. Enumerable.Range(1, 40 + (2 * options.Days)).Select(i =>
        {
            var added = At(1, i);
            return new PipedrivePerson(i, $"Person {i}", $"person{i}@example.org", 1 + Det.Index(3, seed, 2, i), added, Later(added, At(3, i)));
        })];
        Deals = [.. Enumerable.Range(1, 60 + (4 * options.Days)).Select(i =>
        {
            var added = At(4, i);
            var updated = Later(added, At(5, i));
            var status = Det.Index(3, seed, 6, i) switch { 0 => "won", 1 => "lost", _ => "open" };
            var value = Math.Round((decimal)Det.Between(200, 20_000, seed, 7, i), 2);
            return new PipedriveDeal(i, $"Deal {i}", value, status, Persons[Det.Index(Persons.Count, seed, 8, i)].Id, 1 + Det.Index(3, seed, 9, i),
                1 + Det.Index(5, seed, 10, i), added, updated, status == "won" ? updated : null);
        })];
    }

    public IReadOnlyList<PipedrivePerson> Persons { get; }

    public IReadOnlyList<PipedriveDeal> Deals { get; }

    /// <summary>Ground truth: what a complete read must hold.</summary>
    public decimal WonValue => Deals.Where(d => d.Status == "won").Sum(d => d.Value);

    private static DateTime Later(DateTime a, DateTime b) => a >= b ? a : b;
}

public sealed record PipedrivePerson(long Id, string Name, string Email, long OwnerId, DateTime AddTime, DateTime UpdateTime);

public sealed record PipedriveDeal(
    long Id, string Title, decimal Value, string Status, long PersonId, long OwnerId, long StageId, DateTime AddTime, DateTime UpdateTime, DateTime? WonTime);
