namespace Pipeline.Warehouse;

/// <summary>
/// An engine with database security (SQL Server): gives a BI login read access to the star schema and the marts
/// only. The embedded DuckDB file has no users, so it does not implement this.
/// </summary>
public interface IBiReaderGrants
{
    /// <summary>Creates a database user for an existing login if it has none and adds it to the BI reader role.</summary>
    Task<BiReaderGrant> GrantBiReaderAsync(string login, CancellationToken cancellationToken = default);
}

/// <param name="Login">The login as given.</param>
/// <param name="DatabaseUser">The database user the login maps to.</param>
/// <param name="UserCreated">True when the user did not exist and was created.</param>
/// <param name="AlreadyMember">True when the user was already in the role (nothing changed).</param>
public sealed record BiReaderGrant(string Login, string DatabaseUser, bool UserCreated, bool AlreadyMember);
