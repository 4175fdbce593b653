using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Connectors.Conformance;
using Pipeline.Connectors.Http;
using Pipeline.Connectors.Streams;
using Pipeline.Etl.Sync;
using Pipeline.Sandbox;
using Pipeline.Sandbox.Faults;

namespace Pipeline.Connectors.Mailchimp.Tests;

public sealed class MailchimpConnectorTests
{
    [Test]
    public async Task No_raw_email_address_lands_anywhere_in_the_warehouse_only_hashes_of_the_normalised_address()
    {
        // One member record arrives damaged, so a reject (with its payload) is stored too.
        await using var h = await MailchimpHarness.StartAsync(services: (s, o) =>
            s.AddHttpClient(MailchimpSource.ClientName(o.Accounts[0])).AddHttpMessageHandler(() => new DamageFirstMemberHandler()));

        var summaries = await h.SyncAsync("r1");

        Assert.That(summaries.Errors(), Is.Empty);
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM etl.rejected_records WHERE stream = 'list_members' AND payload LIKE '%sha256:%'"), Is.EqualTo(1),
            "the damaged member is kept as a reject, its address replaced by the hash");
        var columns = await h.QueryAsync<(string Schema, string Table, string Column)>(
            "SELECT table_schema, table_name, column_name FROM information_schema.columns WHERE table_schema IN ('staging', 'etl') AND data_type = 'VARCHAR'");
        Assert.That(columns.Select(c => c.Table), Does.Contain("mailchimp_list_members").And.Contain("mailchimp_unsubscribes").And.Contain("rejected_records"));
        var world = h.Sandbox.World.Mailchimp;
        var addresses = world.Lists.SelectMany(l => Enumerable.Range(0, l.MemberTotal).Select(i => world.Member(l, i))).ToList();
        var hits = new List<string>();
        foreach (var (schema, table, column) in columns)
        {
            var found = await h.ScalarAsync<long>(
                $"SELECT count(*) FROM \"{schema}\".\"{table}\" WHERE contains(\"{column}\", '@') OR lower(\"{column}\") IN $emails",
                new { emails = addresses.Take(200).Select(m => m.EmailAddress).ToArray() });
            if (found > 0)
            {
                hits.Add($"{schema}.{table}.{column}: {found}");
            }
        }

        Assert.That(hits, Is.Empty, "no column holds an address");
        var expected = world.Lists.SelectMany(l => Enumerable.Range(0, l.MemberTotal).Select(i => world.Member(l, i)).Select(m => $"{l.Id}|{m.Id}|{EmailHash.Sha256(m.EmailAddress)}|{m.Status}"));
        var loaded = await h.QueryAsync<string>("SELECT list_id || '|' || id || '|' || email_sha256 || '|' || status FROM staging.mailchimp_list_members");
        Assert.That(loaded, Is.SubsetOf(expected).And.Count.EqualTo(expected.Count() - 1), "every member once (but the damaged one), with the SHA-256 of the address");
        Assert.That(await h.ScalarAsync<long>(
            "SELECT count(*) FROM staging.mailchimp_unsubscribes u WHERE NOT EXISTS (SELECT 1 FROM staging.mailchimp_list_members m WHERE m.email_sha256 = u.email_sha256 AND m.list_id = u.list_id)"),
            Is.Zero, "unsubscribes hash the same way, so they join to members");
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM staging.mailchimp_unsubscribes"), Is.GreaterThan(0));
    }

    [Test]
    public void Email_hash_is_sha256_of_the_trimmed_lower_cased_address()
    {
        Assert.That(EmailHash.Sha256("test@example.com"), Is.EqualTo("973dfe463ec85785f5f95af5ba3906eedb2d931c24e69824a89ea65dba4e813b"));
        Assert.That(EmailHash.Sha256("  Test@Example.COM \t"), Is.EqualTo(EmailHash.Sha256("test@example.com")));
    }

    [Test]
    public async Task Later_runs_reread_recent_campaign_reports_and_pick_up_late_opens_without_duplicates()
    {
        await using var h = await MailchimpHarness.StartAsync(configure: (o, _) => o.ReportRereadDays = 10);
        Assert.That((await h.SyncAsync("r1")).Errors(), Is.Empty);
        var before = (await h.QueryAsync<(string Id, long Opens)>("SELECT campaign_id, unique_opens FROM staging.mailchimp_campaign_reports")).ToDictionary(r => r.Id, r => r.Opens);

        h.Sandbox.World.AdvanceReadGeneration(); // late opens and clicks arrive
        h.Clock.Advance(TimeSpan.FromHours(6));
        Assert.That((await h.SyncAsync("r2")).Errors(), Is.Empty);

        var after = (await h.QueryAsync<(string Id, long Opens)>("SELECT campaign_id, unique_opens FROM staging.mailchimp_campaign_reports")).ToDictionary(r => r.Id, r => r.Opens);
        var world = h.Sandbox.World;
        var cutoff = h.Clock.GetUtcNow().AddDays(-10);
        var sent = world.Mailchimp.Campaigns.Where(c => c.SendTime is not null).ToList();
        var recent = sent.Where(c => c.SendTime > cutoff).ToList();
        Assert.That(recent, Is.Not.Empty);
        Assert.That(recent.Count, Is.LessThan(sent.Count), "the world also has campaigns outside the re-read window");
        Assert.That(after.Keys, Is.EquivalentTo(sent.Select(c => c.Id)), "one row per sent campaign, no duplicates");
        foreach (var c in sent)
        {
            var expected = c.SendTime > cutoff ? world.Truth.MailchimpReport(c.Id)!.UniqueOpens : before[c.Id];
            Assert.That(after[c.Id], Is.EqualTo(expected), $"{c.Title} sent {c.SendTime:yyyy-MM-dd}: recent ones re-read, older ones left as loaded");
        }

        Assert.That(recent.Count(c => after[c.Id] > before[c.Id]), Is.GreaterThan(0), "late opens were picked up");
        Assert.That(await h.ScalarAsync<long>("SELECT rows_read FROM etl.sync_runs WHERE run_id = 'r2' AND stream = 'campaign_reports'"), Is.EqualTo(recent.Count),
            "the second run reads only the recent campaigns");
    }

    [Test]
    public async Task Members_are_read_incrementally_with_since_last_changed()
    {
        await using var h = await MailchimpHarness.StartAsync();
        Assert.That((await h.SyncAsync("r1")).Errors(), Is.Empty);

        h.Clock.Advance(TimeSpan.FromDays(1));
        Assert.That((await h.SyncAsync("r2")).Errors(), Is.Empty);

        var read = (await h.QueryAsync<(string Run, long Rows)>("SELECT run_id, rows_read FROM etl.sync_runs WHERE stream = 'list_members'")).ToDictionary(r => r.Run, r => r.Rows);
        var total = h.Sandbox.World.Mailchimp.Lists.Sum(l => l.MemberTotal);
        Assert.That(read["r1"], Is.EqualTo(total));
        Assert.That(read["r2"], Is.LessThan(total / 4), "only members changed around the cursor are read again");
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM staging.mailchimp_list_members"), Is.EqualTo(total));
    }

    [Test]
    public async Task A_bad_api_key_is_a_clear_one_line_error()
    {
        const string BadKey = "0123456789abcdef0123456789abcdef-us21";
        await using var h = await MailchimpHarness.StartAsync(configure: (o, _) => o.Accounts[0].ApiKey = BadKey);
        var before = h.Sandbox.RequestCount(SandboxApi.Mailchimp);

        var error = Assert.ThrowsAsync<MailchimpAuthException>(() => h.Source.ConnectAsync());

        Assert.That(error!.Message, Does.Contain("API key was rejected").And.Contain("API Key Invalid").And.Contain("****-us21"));
        Assert.That(error.Message, Does.Not.Contain(BadKey[..20]).And.Not.Contain('\n'));
        Assert.That(h.Sandbox.RequestCount(SandboxApi.Mailchimp) - before, Is.LessThanOrEqualTo(2), "no retry storm on a wrong key");
    }

    [Test]
    public async Task A_401_after_the_key_worked_and_429s_and_5xx_are_retried_to_the_complete_result()
    {
        var counters = new ApiCallCounters();
        await using var h = await MailchimpHarness.StartAsync(counters: counters);
        var connection = (await h.Source.ConnectAsync()).Single();
        h.Sandbox.Faults.ForceNext(SandboxApi.Mailchimp, FaultKind.ExpiredToken);
        h.Sandbox.Faults.ForceNext(SandboxApi.Mailchimp, FaultKind.RateLimit, 2);
        h.Sandbox.Faults.ForceNext(SandboxApi.Mailchimp, FaultKind.ServerError);
        h.Sandbox.Faults.ForceNext(SandboxApi.Mailchimp, FaultKind.MalformedJson);

        var summary = await new SyncRunner(h.Warehouse, h.Clock, NullLogger<SyncRunner>.Instance).SyncAsync(connection, new SyncRequest("r1"));

        Assert.That(new[] { summary }.Errors(), Is.Empty);
        var statuses = counters.Snapshot().Values.Single().ByStatus;
        Assert.That(statuses.GetValueOrDefault(401), Is.EqualTo(1));
        Assert.That(statuses.GetValueOrDefault(429), Is.EqualTo(2));
        Assert.That(statuses.GetValueOrDefault(500), Is.EqualTo(1));
        await AssertTruthAsync(h);
    }

    [TestCase(10)]
    [TestCase(3)]
    public async Task Parallel_reads_stay_within_the_connection_limit_and_see_no_429(int limit)
    {
        var probe = new ConcurrencyProbe();
        var counters = new ApiCallCounters();
        await using var h = await MailchimpHarness.StartAsync(
            configure: (o, _) => o.Accounts[0].MaxConcurrentRequests = limit,
            faults: new FaultOptions { SlowResponseRate = 1, SlowResponseDelay = TimeSpan.FromMilliseconds(60), Apis = new HashSet<SandboxApi> { SandboxApi.Mailchimp } },
            services: (s, o) => s.AddHttpClient(MailchimpSource.ClientName(o.Accounts[0])).AddHttpMessageHandler(() => new ProbeHandler(probe)),
            counters: counters);
        var today = h.Sandbox.World.Today;

        // Two connections of the same account read all their streams at once.
        var connections = (await h.Source.ConnectAsync()).Concat(await h.Source.ConnectAsync()).ToList();
        var rows = await Task.WhenAll(connections.SelectMany(c => c.Streams).Select(async reader =>
        {
            var request = reader.Stream.Kind == StreamKind.Report ? new StreamReadRequest(today.AddDays(-60), today, null) : new StreamReadRequest(null, null, null);
            long n = 0;
            await foreach (var batch in reader.ReadAsync(request))
            {
                n += batch.Rows.Count;
            }

            return n;
        }));

        Assert.That(rows.Sum(), Is.GreaterThan(0));
        Assert.That(probe.Max, Is.LessThanOrEqualTo(limit).And.GreaterThan(1), "requests ran in parallel, never beyond the limit");
        Assert.That(counters.Snapshot().Values.Single().ByStatus.GetValueOrDefault(429), Is.Zero, "Mailchimp never had to refuse a connection");
        Assert.That(h.Sandbox.RequestCount(SandboxApi.Mailchimp), Is.EqualTo(counters.Snapshot().Values.Single().Requests));
    }

    [Test]
    public async Task Two_accounts_load_separately_by_account_id()
    {
        var counters = new ApiCallCounters();
        List<MailchimpAccountOptions> accounts = [];
        await using var h = await MailchimpHarness.StartAsync(configure: (o, s) => o.Accounts = accounts =
        [
            new MailchimpAccountOptions { ApiKey = s.Credentials.MailchimpApiKeys[0] },
            // The sandbox answers GET / with one account id for every key; real accounts differ (see AccountId docs).
            new MailchimpAccountOptions { ApiKey = s.Credentials.MailchimpApiKeys[1], AccountId = "us21:second-account", Name = "second" },
        ], counters: counters);

        var summaries = await h.SyncAsync("r1");

        Assert.That(summaries.Errors(), Is.Empty);
        Assert.That(summaries.Select(s => s.AccountId), Is.EqualTo(new[] { "us21:8d3a3db4d97663a9074efcc16", "us21:second-account" }));
        foreach (var stream in MailchimpStreams.All)
        {
            Assert.That(await h.QueryAsync<string>($"SELECT DISTINCT _account_id FROM staging.{stream.TableName} ORDER BY 1"),
                Is.EqualTo(new[] { "us21:8d3a3db4d97663a9074efcc16", "us21:second-account" }), stream.TableName);
        }

        foreach (var account in summaries.Select(s => s.AccountId))
        {
            await AssertTruthAsync(h, account);
        }

        Assert.That(MailchimpHarness.Counter(counters, accounts[0]).Requests, Is.GreaterThan(0));
        Assert.That(MailchimpHarness.Counter(counters, accounts[1]).Requests, Is.GreaterThan(0), "each key has its own client and connection budget");
    }

    [Test]
    public async Task Two_keys_of_the_same_account_are_refused_at_connect()
    {
        await using var h = await MailchimpHarness.StartAsync(configure: (o, s) => o.Accounts =
        [
            new MailchimpAccountOptions { ApiKey = s.Credentials.MailchimpApiKeys[0] },
            new MailchimpAccountOptions { ApiKey = s.Credentials.MailchimpApiKeys[1] },
        ]);

        var error = Assert.ThrowsAsync<MailchimpConfigException>(() => h.Source.ConnectAsync());

        Assert.That(error!.Message, Does.Contain("same account").And.Contain("us21:8d3a3db4d97663a9074efcc16"));
        Assert.That(error.Message, Does.Not.Contain(h.Sandbox.Credentials.MailchimpApiKeys[1][..20]));
    }

    [Test]
    public async Task An_oauth_access_token_with_its_datacenter_works()
    {
        await using var h = await MailchimpHarness.StartAsync(configure: (o, s) => o.Accounts =
        [
            new MailchimpAccountOptions { AccessToken = s.Credentials.MailchimpApiKey, DataCenter = "us21" },
        ]);

        var summaries = await h.SyncAsync("r1");

        Assert.That(summaries.Errors(), Is.Empty);
        Assert.That(summaries.Single().AccountId, Is.EqualTo("us21:8d3a3db4d97663a9074efcc16"));
        await AssertTruthAsync(h);
    }

    [Test]
    public async Task Activity_windows_never_reach_past_the_served_180_days_so_older_history_stays()
    {
        await using var h = await MailchimpHarness.StartAsync();
        var first = await h.SyncAsync("r1");
        Assert.That(first.Errors(), Is.Empty);
        var today = h.Sandbox.World.Today;
        var old = today.AddDays(-250);
        var listId = h.Sandbox.World.Mailchimp.Lists[0].Id;
        await h.ExecuteAsync(
            "INSERT INTO staging.mailchimp_list_activity_daily (list_id, day, emails_sent, _account_id, _run_id, _loaded_at) VALUES ($list, $day, 777, $account, 'r0', now())",
            new { list = listId, day = old.ToDateTime(TimeOnly.MinValue), account = first.Single().AccountId });

        var backfill = await h.SyncAsync(new SyncRequest("r2") { BackfillFrom = today.AddDays(-400), Streams = new HashSet<string> { "list_activity_daily" } });

        Assert.That(backfill.Errors(), Is.Empty);
        Assert.That(await h.ScalarAsync<long>($"SELECT count(*) FROM staging.mailchimp_list_activity_daily WHERE day = DATE '{old:yyyy-MM-dd}'"), Is.EqualTo(1));
        var from = await h.ScalarAsync<DateTime>("SELECT min(window_from) FROM etl.sync_runs WHERE run_id = 'r2'");
        Assert.That(DateOnly.FromDateTime(from), Is.EqualTo(today.AddDays(-MailchimpOptions.ActivityHistoryDays)));
        Assert.That(await h.ScalarAsync<long>($"SELECT count(*) FROM staging.mailchimp_list_activity_daily WHERE list_id = '{listId}' AND day > DATE '{old:yyyy-MM-dd}'"),
            Is.EqualTo(MailchimpOptions.ActivityHistoryDays + 1), "one row per served day of the window");
    }

    internal static async Task AssertTruthAsync(ConformanceHarness h, string? account = null)
    {
        var failures = new List<string>();
        foreach (var check in MailchimpTruth.Checks(h.Sandbox.World, account))
        {
            var actual = await h.ScalarAsync<decimal?>($"SELECT CAST(({check.Sql}) AS DECIMAL(38,9))") ?? 0m;
            if (actual != check.Expected)
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{check.Name}: staging {actual}, truth {check.Expected}"));
            }
        }

        Assert.That(failures, Is.Empty);
    }
}

/// <summary>Damages the opt-in time of the first member of the first member page.</summary>
internal sealed class DamageFirstMemberHandler : DelegatingHandler
{
    private int done;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode || request.RequestUri?.AbsolutePath.EndsWith("/members", StringComparison.Ordinal) != true || Interlocked.Exchange(ref done, 1) == 1)
        {
            return response;
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var at = body.IndexOf("\"timestamp_opt\":\"", StringComparison.Ordinal) + "\"timestamp_opt\":\"".Length;
        response.Content = new StringContent(string.Concat(body.AsSpan(0, at), "n/a", body.AsSpan(body.IndexOf('"', at))), System.Text.Encoding.UTF8, "application/json");
        return response;
    }
}

/// <summary>Counts requests in flight (until response headers) and remembers the most at once.</summary>
internal sealed class ConcurrencyProbe
{
    private int current;
    private int max;

    public int Max => Volatile.Read(ref max);

    public void Enter()
    {
        var now = Interlocked.Increment(ref current);
        int seen;
        while (now > (seen = Volatile.Read(ref max)) && Interlocked.CompareExchange(ref max, now, seen) != seen)
        {
        }
    }

    public void Exit() => Interlocked.Decrement(ref current);
}

internal sealed class ProbeHandler(ConcurrencyProbe probe) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        probe.Enter();
        try
        {
            return await base.SendAsync(request, cancellationToken);
        }
        finally
        {
            probe.Exit();
        }
    }
}
