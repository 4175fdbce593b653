using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Connectors.Streams;
using Pipeline.Sandbox;
using Pipeline.Sandbox.Faults;
using Pipeline.Sandbox.World;
using Pipeline.Warehouse;

namespace Pipeline.Connectors.Conformance;

/// <summary>
/// What every connector must do, proven against the sandbox: read every page exactly once, emit records that
/// match their declared schema, resume from committed state re-reading only the lookback, replace restated data,
/// survive transient faults with the same result, and stop cleanly when cancelled. A connector's test project
/// inherits this fixture and says how to register the source and what the ground truth is.
/// </summary>
public abstract class ConnectorConformanceTests
{
    /// <summary>The sandbox API the connector calls (faults are injected there).</summary>
    protected abstract SandboxApi Api { get; }

    /// <summary>Registers the source (and nothing else) pointed at the sandbox.</summary>
    protected abstract void AddSource(IServiceCollection services, SandboxServer sandbox);

    /// <summary>Totals in staging that must equal the world's ground truth after a complete sync.</summary>
    protected abstract IEnumerable<TruthCheck> TruthChecks(SandboxWorld world);

    /// <summary>
    /// Damages one record of a response body the way the source could (a number sent as "n/a", a missing key) so
    /// the connector must reject it; the body unchanged when it holds no record.
    /// </summary>
    protected abstract string CorruptOneRecord(string responseBody);

    /// <summary>
    /// The body the real API sends for this request when the window holds no data, as its documentation shows it
    /// (GA4 drops <c>rows</c>, <c>rowCount</c> and <c>totals</c>; Meta sends <c>{"data":[]}</c>; …), or null for
    /// requests that are not data pages (account, metadata, token) so they pass through unchanged.
    /// </summary>
    protected abstract string? EmptyResponse(HttpRequestMessage request, string responseBody);

    /// <summary>
    /// Keys the real API may leave out of a page (optional objects, arrays and values the platform omits when empty
    /// or unset), in the form <see cref="JsonKeys.Remove"/> takes. Records must still load without them.
    /// </summary>
    protected abstract IReadOnlyCollection<string> OptionalKeys { get; }

    protected virtual WorldOptions World => WorldOptions.Demo with { Days = 30 };

    /// <summary>
    /// Streams that have no empty form: a single object the API always returns whole (an ad account's details read at
    /// connect), so an empty window still loads it. The empty-window case counts every other stream.
    /// </summary>
    protected virtual IReadOnlySet<string> StreamsWithoutEmptyForm => new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// Whether the connector can get a new token after a 401 (OAuth, service accounts). Sources whose tokens are
    /// long-lived and fail for good when they expire (Meta) say false: the fault mix then leaves expired tokens out.
    /// </summary>
    protected virtual bool TokensRenew => true;

    /// <summary>Sandbox settings for this connector's runs (e.g. short throttle waits).</summary>
    protected virtual SandboxOptions ConfigureSandbox(SandboxOptions options) => options;

    /// <summary>"Now" for the first sync: noon UTC on the world's last day.</summary>
    protected virtual DateTimeOffset Now(SandboxWorld world) => new(world.Today.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);

    protected Task<ConformanceHarness> StartAsync(FaultOptions? faults = null, Action<IServiceCollection>? configure = null) =>
        ConformanceHarness.StartAsync(
            ConfigureSandbox(new SandboxOptions { World = World, Faults = faults ?? FaultOptions.None }),
            AddSource,
            Now,
            configure);

    [Test]
    public async Task Conformance_paging_reads_every_record_exactly_once()
    {
        await using var h = await StartAsync();

        var summaries = await h.SyncAsync("r1");

        AssertSucceeded(summaries);
        await AssertTruthAsync(h);
        await AssertNoDuplicateKeysAsync(h);
        Assert.That(await TotalRowsAsync(h), Is.GreaterThan(0));
    }

    [Test]
    public async Task Conformance_every_emitted_record_matches_its_stream_schema()
    {
        await using var h = await StartAsync();
        var today = DateOnly.FromDateTime(h.Clock.GetUtcNow().UtcDateTime);
        var checkedRows = 0;
        foreach (var connection in await h.Source.ConnectAsync())
        {
            await using (connection)
            {
                foreach (var reader in connection.Streams)
                {
                    var stream = reader.Stream;
                    var request = stream.Kind == StreamKind.Report
                        ? new StreamReadRequest(h.Sandbox.World.Options.StartDate, today.AddDays(1), null)
                        : new StreamReadRequest(null, null, null);
                    await foreach (var batch in reader.ReadAsync(request))
                    {
                        Assert.That(batch.Rejects, Is.Empty, $"{stream.Source}.{stream.Name}: the clean world has no malformed records");
                        foreach (var row in batch.Rows)
                        {
                            Assert.That(SchemaProblem(stream, row), Is.Null);
                            checkedRows++;
                        }
                    }
                }
            }
        }

        Assert.That(checkedRows, Is.GreaterThan(0));
    }

    [Test]
    public async Task Conformance_a_later_run_resumes_from_state_and_rereads_only_the_lookback()
    {
        await using var h = await StartAsync();
        AssertSucceeded(await h.SyncAsync("r1"));
        var cursors = (await h.QueryAsync<(string Stream, string Account, string? Cursor)>("SELECT stream, account_id, cursor_value FROM etl.sync_state"))
            .ToDictionary(r => (r.Stream, r.Account), r => r.Cursor);

        h.Clock.Advance(TimeSpan.FromDays(1));
        AssertSucceeded(await h.SyncAsync("r2"));

        var lookbacks = await LookbacksAsync(h);
        var second = await h.QueryAsync<(string Stream, string Account, DateTime? From)>(
            "SELECT stream, account_id, min(window_from) FROM etl.sync_runs WHERE run_id = 'r2' GROUP BY stream, account_id");
        foreach (var (stream, account, from) in second)
        {
            if (from is { } f && cursors.TryGetValue((stream, account), out var cursor) && cursor is not null)
            {
                var expected = DateOnly.ParseExact(cursor, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture).AddDays(1 - lookbacks[stream]);
                Assert.That(DateOnly.FromDateTime(f), Is.EqualTo(expected), $"{stream} {account}: the second run starts at the cursor minus the lookback");
            }
        }

        await AssertTruthAsync(h);
        await AssertNoDuplicateKeysAsync(h);
    }

    [Test]
    public async Task Conformance_restated_data_replaces_what_was_loaded()
    {
        await using var h = await StartAsync();
        AssertSucceeded(await h.SyncAsync("r1"));

        h.Sandbox.World.AdvanceReadGeneration();
        h.Clock.Advance(TimeSpan.FromHours(1));
        AssertSucceeded(await h.SyncAsync("r2"));

        await AssertTruthAsync(h);
        await AssertNoDuplicateKeysAsync(h);
    }

    [Test]
    public async Task Conformance_transient_faults_are_retried_to_the_fault_free_result()
    {
        var faults = new FaultOptions
        {
            Seed = 11,
            RateLimitRate = 0.04,
            ServerErrorRate = 0.03,
            ServiceUnavailableRate = 0.03,
            DropConnectionRate = 0.03,
            MalformedJsonRate = 0.03,
            BareForbiddenRate = 0.02,
            ExpiredTokenRate = TokensRenew ? 0.02 : 0,
            Apis = new HashSet<SandboxApi> { Api },
        };
        await using var h = await StartAsync(faults);

        var summaries = await h.SyncAsync("r1");

        AssertSucceeded(summaries);
        await AssertTruthAsync(h);
        await AssertNoDuplicateKeysAsync(h);
    }

    [Test]
    public async Task Conformance_malformed_records_are_rejected_with_their_reason_and_the_rest_load()
    {
        var corrupted = 0;
        var claimed = 0;
        // Damages one record in each of the first three JSON responses that hold one. Responses are rewritten
        // concurrently: a slot is claimed first, and only a body that was damaged counts.
        await using var h = await StartAsync(configure: RewriteResponses((_, body) =>
        {
            if (Volatile.Read(ref claimed) >= 3)
            {
                return null;
            }

            var damaged = CorruptOneRecord(body);
            if (damaged == body || Interlocked.Increment(ref claimed) > 3)
            {
                return null;
            }

            Interlocked.Increment(ref corrupted);
            return damaged;
        }));

        var summaries = await h.SyncAsync("r1");

        AssertSucceeded(summaries);
        Assert.That(corrupted, Is.GreaterThan(0), "the connector's payloads were damaged");
        var rejects = await h.QueryAsync<(string Reason, string? Payload)>("SELECT reason, payload FROM etl.rejected_records");
        Assert.That(rejects, Has.Count.EqualTo(corrupted), "one reject per damaged record");
        Assert.That(rejects, Has.All.Matches<(string Reason, string? Payload)>(r => r.Reason.Length > 0 && !string.IsNullOrEmpty(r.Payload)));
        var (read, written, rejected) = (await h.QueryAsync<(long, long, long)>(
            "SELECT sum(rows_read)::BIGINT, sum(rows_written)::BIGINT, sum(rows_rejected)::BIGINT FROM etl.sync_runs")).Single();
        Assert.That(written, Is.GreaterThan(0));
        Assert.That(rejected, Is.EqualTo(corrupted));
        Assert.That(read, Is.EqualTo(written + rejected));
    }

    [Test]
    public async Task Conformance_an_empty_window_commits_zero_rows_and_advances_the_cursor()
    {
        var empty = new StrongBox<bool>(true);
        await using var h = await StartAsync(configure: RewriteResponses((request, body) => Volatile.Read(ref empty.Value) ? EmptyResponse(request, body) : null));

        AssertSucceeded(await h.SyncAsync("r1"));

        Assert.That(await TotalRowsAsync(h, except: StreamsWithoutEmptyForm), Is.Zero, "an empty answer loads nothing");
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM etl.rejected_records"), Is.Zero, "an empty answer is not a malformed one");
        var reportStreams = h.Source.Streams.Where(s => s.Kind == StreamKind.Report).Select(s => s.Name).ToHashSet();
        var windows = await h.QueryAsync<(string Stream, string Account, DateTime? To, string? Cursor)>(
            """
            SELECT r.stream, r.account_id, max(r.window_to), any_value(s.cursor_value)
            FROM etl.sync_runs r LEFT JOIN etl.sync_state s USING (source, stream, account_id)
            WHERE r.run_id = 'r1' GROUP BY r.stream, r.account_id
            """);
        foreach (var (stream, account, to, cursor) in windows.Where(w => reportStreams.Contains(w.Stream)))
        {
            Assert.That(cursor, Is.EqualTo(DateOnly.FromDateTime(to!.Value).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
                $"{stream} {account}: the cursor advances past an empty window");
        }

        Volatile.Write(ref empty.Value, false);
        h.Clock.Advance(TimeSpan.FromDays(1));
        AssertSucceeded(await h.SyncAsync("r2"));
        Assert.That(await TotalRowsAsync(h), Is.GreaterThan(0), "the next window loads");
        await AssertNoDuplicateKeysAsync(h);
    }

    [Test]
    public async Task Conformance_pages_without_their_optional_keys_still_load()
    {
        Assert.That(OptionalKeys, Is.Not.Empty, "a source names the keys its API may omit");
        var stripped = 0;
        await using var h = await StartAsync(configure: RewriteResponses((_, body) =>
        {
            var without = JsonKeys.Remove(body, OptionalKeys);
            if (ReferenceEquals(without, body))
            {
                return null;
            }

            Interlocked.Increment(ref stripped);
            return without;
        }));

        AssertSucceeded(await h.SyncAsync("r1"));

        Assert.That(stripped, Is.GreaterThan(0), "some pages carried optional keys to remove");
        var rejects = await h.QueryAsync<string>("SELECT reason FROM etl.rejected_records");
        Assert.That(rejects, Is.Empty, "an omitted optional key is not a malformed record");
        Assert.That(await TotalRowsAsync(h), Is.GreaterThan(0));
        await AssertNoDuplicateKeysAsync(h);
    }

    [Test]
    public async Task Conformance_cancellation_stops_and_leaves_only_committed_windows()
    {
        await using var h = await StartAsync(new FaultOptions { SlowResponseRate = 1.0, SlowResponseDelay = TimeSpan.FromMilliseconds(400), Apis = new HashSet<SandboxApi> { Api } });
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(1500));

        Assert.That(async () => await h.SyncAsync("r1", cts.Token), Throws.InstanceOf<OperationCanceledException>());

        var statuses = await h.QueryAsync<string>("SELECT DISTINCT status FROM etl.sync_runs");
        Assert.That(statuses, Is.SubsetOf(new[] { nameof(SyncRunStatus.Succeeded), nameof(SyncRunStatus.Cancelled) }));
        foreach (var stream in h.Source.Streams)
        {
            var committed = await h.ScalarAsync<long>(
                "SELECT coalesce(sum(rows_written), 0)::BIGINT FROM etl.sync_runs WHERE stream = $stream AND status = 'Succeeded'", new { stream = stream.Name });
            var staged = await h.ScalarAsync<long>($"SELECT count(*) FROM staging.\"{stream.TableName}\"");
            Assert.That(staged, Is.EqualTo(committed), $"{stream.TableName}: only committed windows are visible");
        }
    }

    /// <summary>Puts a <see cref="ResponseRewriter"/> in front of every HTTP client the source makes.</summary>
    private static Action<IServiceCollection> RewriteResponses(Func<HttpRequestMessage, string, string?> rewrite) =>
        services => services.ConfigureHttpClientDefaults(client => client.AddHttpMessageHandler(() => new ResponseRewriter(rewrite)));

    /// <summary>Why a record does not fit its stream, or null.</summary>
    protected static string? SchemaProblem(StreamDescriptor stream, object?[] row)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(row);
        if (row.Length != stream.Fields.Count)
        {
            return $"{stream.TableName}: {row.Length} values for {stream.Fields.Count} fields";
        }

        for (var i = 0; i < row.Length; i++)
        {
            var field = stream.Fields[i];
            if (row[i] is null)
            {
                if (!field.Nullable || stream.PrimaryKey.Contains(field.Name))
                {
                    return $"{stream.TableName}.{field.Name} is null";
                }
            }
            else if (row[i]!.GetType() != field.Type.ClrType())
            {
                return $"{stream.TableName}.{field.Name} is {row[i]!.GetType().Name}, declared {field.Type}";
            }
        }

        return null;
    }

    private static void AssertSucceeded(IReadOnlyList<Etl.Sync.SyncSummary> summaries)
    {
        var failures = summaries.SelectMany(s => s.Windows).Where(w => w.Status != SyncRunStatus.Succeeded).Select(w => $"{w.Stream} {w.Window}: {w.Error}").ToList();
        Assert.That(failures, Is.Empty);
        Assert.That(summaries, Is.Not.Empty, "at least one account is configured");
    }

    private async Task AssertTruthAsync(ConformanceHarness h)
    {
        var checks = TruthChecks(h.Sandbox.World).ToList();
        Assert.That(checks, Is.Not.Empty, "a connector states at least one ground-truth total");
        var report = new StringBuilder();
        foreach (var check in checks)
        {
            // DuckDB sums integers as HUGEINT; one cast here keeps every check a plain decimal.
            var actual = await h.ScalarAsync<decimal?>($"SELECT CAST(({check.Sql}) AS DECIMAL(38,9))") ?? 0m;
            if (actual != check.Expected)
            {
                report.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"{check.Name}: staging {actual}, truth {check.Expected}");
            }
        }

        Assert.That(report.ToString(), Is.Empty);
    }

    private static async Task AssertNoDuplicateKeysAsync(ConformanceHarness h)
    {
        foreach (var stream in h.Source.Streams)
        {
            var key = string.Join(", ", ["_account_id", .. stream.PrimaryKey.Select(k => $"\"{k}\"")]);
            var duplicates = await h.ScalarAsync<long>($"SELECT count(*) FROM (SELECT {key} FROM staging.\"{stream.TableName}\" GROUP BY ALL HAVING count(*) > 1)");
            Assert.That(duplicates, Is.Zero, $"{stream.TableName}: duplicate primary keys");
        }
    }

    private static async Task<long> TotalRowsAsync(ConformanceHarness h, IReadOnlySet<string>? except = null)
    {
        long total = 0;
        foreach (var stream in h.Source.Streams.Where(s => except?.Contains(s.Name) != true))
        {
            total += await h.ScalarAsync<long>($"SELECT count(*) FROM staging.\"{stream.TableName}\"");
        }

        return total;
    }

    private static async Task<Dictionary<string, int>> LookbacksAsync(ConformanceHarness h)
    {
        var lookbacks = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var connection in await h.Source.ConnectAsync())
        {
            await using (connection)
            {
                foreach (var reader in connection.Streams)
                {
                    lookbacks[reader.Stream.Name] = reader.Settings.LookbackDays;
                }
            }
        }

        return lookbacks;
    }
}
