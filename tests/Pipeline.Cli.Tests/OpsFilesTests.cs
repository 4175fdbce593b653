using Pipeline.Etl.Configuration;
using Pipeline.Etl.Scheduling;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Cli.Tests;

/// <summary>
/// The deployment files start something: docker-compose's scheduler gets a configuration file with a source to
/// schedule and a folder for the CSV files, and the systemd unit's documentation exists where it is installed.
/// </summary>
public sealed class OpsFilesTests : CliTestBase
{
    private const string WorkingDirectory = "/var/lib/pipeline";

    private static readonly string Root = FindRoot();

    private static string Ops => Path.Combine(Root, "ops");

    [TestCase("pipeline")]
    [TestCase("pipeline-migrate")]
    public void Compose_mounts_a_configuration_file_and_a_files_folder_into_the_pipeline_containers(string service)
    {
        var mounts = Volumes(service);

        Assert.That(mounts.Keys, Does.Contain($"{WorkingDirectory}/pipeline.json").And.Contain($"{WorkingDirectory}/files"), string.Join(", ", mounts.Keys));
        var config = mounts[$"{WorkingDirectory}/pipeline.json"];
        Assert.That(File.Exists(config), Is.True, $"the default configuration file {config} exists");
        Assert.That(Directory.Exists(mounts[$"{WorkingDirectory}/files"]), Is.True, "the default files folder exists");
    }

    [Test]
    public async Task The_sample_configuration_passes_config_check_and_schedules_the_files_source_from_the_mounted_folder()
    {
        var sample = Volumes("pipeline")[$"{WorkingDirectory}/pipeline.json"];

        var check = await RunAsync("config", "check", "--config", sample);

        Assert.That(check.ExitCode, Is.EqualTo(ExitCodes.Ok), check.Error);
        Assert.That(check.Out, Does.Contain("Configuration OK"));
        var options = ConfigValidator.BindAndValidate(ConfigurationFiles.Load(sample, environment: false));
        var plan = SchedulePlan.Build(options, options.Sources.Configured.Select(c => c.Module.Name));
        Assert.That(plan.SyncJobs, Is.Not.Empty, "schedule starts instead of exiting 2 with nothing to schedule");
        var folder = options.Sources.Configured.Single(c => c.Module.Name == "files").Options is Pipeline.Connectors.Files.FilesOptions files ? files.Folder : null;
        Assert.That(Path.GetFullPath(folder!, WorkingDirectory), Is.EqualTo($"{WorkingDirectory}/files"), "the Files folder, from the container's working directory, is the mounted one");
    }

    [Test]
    public void The_systemd_units_documentation_is_a_file_the_publish_step_ships_beside_pipeline_dll()
    {
        var unit = File.ReadAllLines(Path.Combine(Ops, "systemd", "pipeline-schedule.service"));
        var documentation = unit.Single(l => l.StartsWith("Documentation=", StringComparison.Ordinal))["Documentation=".Length..];
        var exec = unit.Single(l => l.StartsWith("ExecStart=", StringComparison.Ordinal));
        var installed = exec.Split(' ').Single(w => w.EndsWith("pipeline.dll", StringComparison.Ordinal));

        Assert.That(documentation, Does.StartWith("file://"));
        var path = new Uri(documentation).LocalPath;
        Assert.That(Path.GetDirectoryName(path), Is.EqualTo(Path.GetDirectoryName(installed)), "documentation lies in the install folder");
        // The CLI's build output is what `dotnet publish etl/Cli -o /opt/pipeline` copies there.
        var built = Path.Combine(Path.GetDirectoryName(typeof(PipelineCli).Assembly.Location)!, Path.GetFileName(path));
        Assert.That(File.Exists(built), Is.True, $"{Path.GetFileName(path)} is shipped with the CLI");
    }

    /// <summary>A compose service's bind mounts: container path to host path (defaults of ${VAR:-default} taken, relative to ops/).</summary>
    private static Dictionary<string, string> Volumes(string service)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(Ops, "docker-compose.yml")))
        {
            yaml.Load(reader);
        }

        var services = (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["services"];
        var node = (YamlMappingNode)services[service];
        Assert.That(node.Children.ContainsKey("volumes"), Is.True, $"{service} has volumes");
        var mounts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var volume in ((YamlSequenceNode)node["volumes"]).Children.Cast<YamlScalarNode>().Select(v => v.Value!))
        {
            var parts = System.Text.RegularExpressions.Regex.Replace(volume, @"\$\{\w+:-([^}]*)\}", "$1").Split(':');
            mounts[parts[1]] = Path.GetFullPath(parts[0], Ops);
        }

        return mounts;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Pipeline.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("no Pipeline.sln above the test binaries");
    }
}
