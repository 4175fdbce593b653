using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;

namespace Pipeline.Connectors.Mailchimp.Tests;

/// <summary>List activity's first backfill starts at the oldest audience's <c>date_created</c>, kept once asked.</summary>
public sealed class MailchimpDataStartTests
{
    [Test]
    public async Task The_first_activity_window_starts_on_the_day_the_oldest_list_was_created_and_the_start_is_kept()
    {
        // The sandbox's lists are a year old; a real account may be younger than the API's 180 days of activity.
        DateOnly? createdOn = null;
        await using var h = await MailchimpHarness.StartAsync(services: (s, o) =>
            s.AddHttpClient(MailchimpSource.ClientName(o.Accounts[0])).AddHttpMessageHandler(() => new ListDates(() => createdOn)));
        var today = h.Sandbox.World.Today;
        createdOn = today.AddDays(-20);

        var first = (await h.SyncAsync("r1")).Single();

        Assert.That(new[] { first }.Errors(), Is.Empty);
        Assert.That(first.Windows.Single(w => w.Stream == "list_activity_daily").Range!.Value.From, Is.EqualTo(today.AddDays(-20)));
        Assert.That(first.Skipped.Single().Stream, Is.EqualTo("list_activity_daily"));

        // Asked once: a later start over takes the kept day even though the platform would now say another.
        createdOn = today.AddDays(-5);
        await h.Warehouse.RunLog.ResetStateAsync("mailchimp", "list_activity_daily", null);
        var again = (await h.SyncAsync("r2")).Single();
        Assert.That(again.Windows.Single(w => w.Stream == "list_activity_daily").Range!.Value.From, Is.EqualTo(today.AddDays(-20)));
    }

    [Test]
    public async Task Lists_without_date_created_keep_the_configured_history()
    {
        await using var h = await MailchimpHarness.StartAsync(services: (s, o) =>
            s.AddHttpClient(MailchimpSource.ClientName(o.Accounts[0])).AddHttpMessageHandler(() => new ListDates(() => null)));

        var summary = (await h.SyncAsync("r1")).Single();

        Assert.That(new[] { summary }.Errors(), Is.Empty);
        Assert.That(summary.Skipped, Is.Empty);
        Assert.That(summary.Windows.Single(w => w.Stream == "list_activity_daily").Range!.Value.From,
            Is.EqualTo(h.Sandbox.World.Today.AddDays(-(MailchimpOptions.ActivityHistoryDays - 1))));
    }

    /// <summary>Sets (or, for null, removes) every list's date_created in <c>GET /lists</c> answers.</summary>
    private sealed class ListDates(Func<DateOnly?> day) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode || !request.RequestUri!.AbsolutePath.EndsWith("/lists", StringComparison.Ordinal))
            {
                return response;
            }

            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!;
            foreach (var list in body["lists"]!.AsArray().OfType<JsonObject>())
            {
                list.Remove("date_created");
                if (day() is { } d)
                {
                    // Noon UTC: the same day in any account zone.
                    list["date_created"] = d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "T12:00:00+00:00";
                }
            }

            response.Content = new StringContent(body.ToJsonString(), new MediaTypeHeaderValue("application/json"));
            return response;
        }
    }
}
