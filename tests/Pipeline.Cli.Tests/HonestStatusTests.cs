using System.Net;
using System.Net.Sockets;
using DuckDB.NET.Data;

namespace Pipeline.Cli.Tests;

/// <summary>
/// A manual <c>pipeline sync</c> whose source cannot connect leaves a failed <c>(connect)</c> row in
/// <c>etl.sync_runs</c>, exactly like a scheduled run (AlertTests), so <c>pipeline status</c> shows the error.
/// </summary>
public sealed class HonestStatusTests : CliTestBase
{
    [Test]
    public async Task A_manual_sync_whose_source_refuses_the_connection_is_in_the_run_log_and_status_shows_its_error()
    {
        WriteConfig(new
        {
            Sources = new { Mailchimp = new { BaseUrl = $"http://127.0.0.1:{RefusedPort()}/3.0/", Accounts = new[] { new { ApiKey = "0123456789abcdef0123456789abcdef-us21" } } } },
        });

        var sync = await RunWithConfigAsync("sync");
        var status = await RunWithConfigAsync("status");

        Assert.That(sync.ExitCode, Is.EqualTo(ExitCodes.Failed), sync.Error);
        Assert.That(sync.ErrorLines.Last(), Does.Contain("could not connect"));
        var (stream, runStatus, error) = ReadSingleRun("mailchimp");
        Assert.That(stream, Is.EqualTo("(connect)"));
        Assert.That(runStatus, Is.EqualTo("Failed"));
        Assert.That(error, Is.Not.Empty.And.Not.Contain("\n"), "one line");
        Assert.That(error, Does.Not.Contain("0123456789abcdef0123456789abcdef"), "no key in the run log");
        Assert.That(status.Out, Does.Contain("(connect)").And.Contain("FAILING").And.Not.Contain("NEVER SYNCED"), status.Out);
        Assert.That(status.Out, Does.Contain("mailchimp (never synced: its last run failed").And.Not.Contain("mailchimp (never synced completely)"), status.Out);
    }

    private (string Stream, string Status, string Error) ReadSingleRun(string source)
    {
        using var connection = new DuckDBConnection($"Data Source={WarehousePath};ACCESS_MODE=READ_ONLY");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT stream, status, error FROM etl.sync_runs WHERE source = '{source}'";
        using var reader = command.ExecuteReader();
        Assert.That(reader.Read(), Is.True, "a run-log row for the failed connection");
        var row = (reader.GetString(0), reader.GetString(1), reader.GetString(2));
        Assert.That(reader.Read(), Is.False, "one row");
        return row;
    }

    /// <summary>A loopback port nobody listens on: bound, then released.</summary>
    private static int RefusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
