using System.Globalization;

namespace Pipeline.Etl.Configuration;

/// <summary>Backups of the warehouse: <c>pipeline backup</c>, and one after each successful scheduled run when enabled.</summary>
public sealed class BackupOptions
{
    public const int MaxKeep = 1000;

    /// <summary>Back up after every scheduled run that committed windows and failed none.</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// Folder of the copies (DuckDB: relative to the working directory unless absolute). SQL Server: a folder on the
    /// database server that its service account can write.
    /// </summary>
    public string Path { get; set; } = "data/backups";

    /// <summary>How many copies are kept there; older ones are deleted after a new one is verified (DuckDB).</summary>
    public int Keep { get; set; } = 7;

    /// <summary>Every problem of the <c>Backup</c> section, each naming its key (called by <see cref="ConfigValidator"/>).</summary>
    public static void Check(BackupOptions backup, Action<string, string> fail)
    {
        ArgumentNullException.ThrowIfNull(backup);
        ArgumentNullException.ThrowIfNull(fail);
        if (backup.Keep is < 1 or > MaxKeep)
        {
            fail("Backup:Keep", string.Create(CultureInfo.InvariantCulture, $"{backup.Keep} is outside 1..{MaxKeep}"));
        }

        if (string.IsNullOrWhiteSpace(backup.Path))
        {
            fail("Backup:Path", "is empty");
        }
        else if (backup.Path.IndexOfAny(System.IO.Path.GetInvalidPathChars()) >= 0)
        {
            fail("Backup:Path", $"'{backup.Path}' is not a valid path");
        }
        else if (File.Exists(backup.Path))
        {
            fail("Backup:Path", $"'{backup.Path}' is a file; give the folder the copies go to");
        }
    }
}
