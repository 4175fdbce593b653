using System.Runtime.InteropServices;

namespace Pipeline.Reliability.Tests.Infrastructure;

/// <summary>
/// Runs the CLI as user <c>nobody</c> (setpriv) when the tests run as root, where file modes do not stop writes.
/// The checkout may lie where other users cannot enter (a clone in <c>/root</c>), so nobody runs a copy of the
/// CLI's build output in a temp folder everyone can read, not the checkout's. Deleted when the assembly's tests end.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class UnprivilegedCli
{
    public const string Nobody = "65534";

    private const UnixFileMode ReadableByAll = (UnixFileMode)0b110_100_100;
    private const UnixFileMode EnterableByAll = (UnixFileMode)0b111_101_101;

    private static readonly Lazy<string> Copy = new(CopyBuildOutput);

    public static bool IsRoot => Environment.UserName == "root";

    /// <summary>Why the CLI cannot run as nobody here, or null when it can (or need not: not root).</summary>
    public static string? WhyNot()
    {
        if (!IsRoot)
        {
            return null;
        }

        if (!File.Exists("/usr/bin/setpriv"))
        {
            return "running as root, where file modes do not apply, and setpriv is missing to drop privileges";
        }

        // dotnet itself must be reachable by nobody (an SDK installed under /root/.dotnet is not).
        var dotnet = ResolveDotnet();
        for (var dir = Path.GetDirectoryName(dotnet); !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
        {
            if ((File.GetUnixFileMode(dir) & UnixFileMode.OtherExecute) == 0)
            {
                return $"running as root, and the dotnet host ({dotnet}) lies in {dir}, which user nobody cannot enter";
            }
        }

        return null;
    }

    /// <summary>The wrapper that drops to nobody (empty when not root) and the CLI binary that user can read.</summary>
    public static (string[] Wrapper, string Binary) Command() => IsRoot
        ? (["setpriv", "--reuid", Nobody, "--regid", Nobody, "--clear-groups"], Copy.Value)
        : ([], CliProcess.Binary);

    /// <summary>Lets nobody enter <paramref name="folder"/> and its parent (a umask may have closed them).</summary>
    public static void Expose(string folder)
    {
        File.SetUnixFileMode(Path.GetDirectoryName(folder)!, EnterableByAll);
        File.SetUnixFileMode(folder, EnterableByAll);
    }

    public static void DeleteCopy()
    {
        if (!Copy.IsValueCreated)
        {
            return;
        }

        try
        {
            Directory.Delete(Path.GetDirectoryName(Path.GetDirectoryName(Copy.Value)!)!, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // temp folder; the OS cleans it
        }
    }

    /// <summary>The CLI's build output without other platforms' native libraries, every folder enterable and file readable by all.</summary>
    private static string CopyBuildOutput()
    {
        var source = Path.GetDirectoryName(CliProcess.Binary)!;
        var parent = Path.Combine(Path.GetTempPath(), "pipeline-reliability");
        Directory.CreateDirectory(parent);
        File.SetUnixFileMode(parent, EnterableByAll);
        var root = Path.Combine(parent, $"cli-{Guid.NewGuid():N}");
        var target = Path.Combine(root, "cli");
        var platform = "linux-" + RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant();
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            var parts = relative.Split(Path.DirectorySeparatorChar);
            if (parts.Length > 2 && parts[0] == "runtimes" && parts[1] != platform && parts[1] != "unix" && parts[1] != "linux")
            {
                continue;
            }

            var destination = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
            File.SetUnixFileMode(destination, ReadableByAll);
        }

        foreach (var dir in Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories).Prepend(root))
        {
            File.SetUnixFileMode(dir, EnterableByAll);
        }

        return Path.Combine(target, Path.GetFileName(CliProcess.Binary));
    }

    private static string ResolveDotnet()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "dotnet");
            if (File.Exists(candidate))
            {
                return new FileInfo(candidate).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? candidate;
            }
        }

        return "/usr/bin/dotnet";
    }
}
