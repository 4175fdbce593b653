using System.Text.RegularExpressions;

namespace Pipeline.Warehouse.SqlServer;

/// <summary>
/// What a login name given on the command line may look like: a SQL login (<c>powerbi</c>), a Windows account or
/// group (<c>CONTOSO\BI Analysts</c>) or an Entra principal (<c>ana@contoso.com</c>). It is still passed as a
/// parameter and quoted with QUOTENAME; this only turns typos and injection attempts into a clear error first.
/// </summary>
public static partial class SqlLoginName
{
    public const int MaxLength = 128;

    /// <summary>Why <paramref name="login"/> is not a plausible login name, or null when it is.</summary>
    public static string? Problem(string? login)
    {
        if (string.IsNullOrWhiteSpace(login))
        {
            return "the login name is empty";
        }

        if (login.Length > MaxLength)
        {
            return $"the login name is longer than {MaxLength} characters";
        }

        if (login != login.Trim())
        {
            return $"the login name '{login}' starts or ends with a space";
        }

        if (login.Count(c => c == '\\') > 1)
        {
            return $"the login name '{login}' has more than one backslash (use DOMAIN\\name)";
        }

        return LoginPattern().IsMatch(login)
            ? null
            : $"'{login}' is not a login name (letters, digits, spaces inside, and _ . @ - \\ $ # only; e.g. powerbi, CONTOSO\\BI Analysts, ana@contoso.com)";
    }

    [GeneratedRegex(@"^[\p{L}\p{Nd}_][\p{L}\p{Nd}_.@\-\\$# ]*$")]
    private static partial Regex LoginPattern();
}
