using Pipeline.Sandbox.World;

namespace Pipeline.Sandbox.Tests;

public class WorldTests
{
    [Test]
    public void Same_seed_builds_the_same_world_and_another_seed_a_different_one()
    {
        var a = new SandboxWorld(WorldOptions.Demo);
        var b = new SandboxWorld(WorldOptions.Demo);
        var c = new SandboxWorld(WorldOptions.Demo with { Seed = 43 });
        var day = WorldOptions.Demo.StartDate.AddDays(10);

        Assert.Multiple(() =>
        {
            Assert.That(b.Meta.Campaigns.Select(x => (x.Id, x.Name)), Is.EqualTo(a.Meta.Campaigns.Select(x => (x.Id, x.Name))));
            Assert.That(b.Ga4.Segments(day, 0), Is.EqualTo(a.Ga4.Segments(day, 0)));
            Assert.That(b.Crm.Properties(CrmObjectType.Deals, 7), Is.EqualTo(a.Crm.Properties(CrmObjectType.Deals, 7)));
            Assert.That(b.Mailchimp.Member(b.Mailchimp.Lists[0], 3), Is.EqualTo(a.Mailchimp.Member(a.Mailchimp.Lists[0], 3)));
            Assert.That(b.Truth.MetaSpend(b.Meta.Accounts[0].AccountId, day), Is.EqualTo(a.Truth.MetaSpend(a.Meta.Accounts[0].AccountId, day)));
            Assert.That(c.Truth.MetaSpend(c.Meta.Accounts[0].AccountId, day), Is.Not.EqualTo(a.Truth.MetaSpend(a.Meta.Accounts[0].AccountId, day)));
        });
    }

    [Test]
    public void Paid_social_and_email_sessions_carry_the_campaign_names_of_meta_and_mailchimp()
    {
        var world = new SandboxWorld(WorldOptions.Demo);
        var paidSocial = new HashSet<string>();
        var email = new HashSet<string>();
        for (var d = world.Options.StartDate; d <= world.Options.EndDate; d = d.AddDays(1))
        {
            foreach (var s in world.Ga4.Segments(d, 0))
            {
                if (s.Channel == "Paid Social")
                {
                    Assert.That(s.Source, Is.AnyOf("facebook", "instagram"));
                    paidSocial.Add(s.Campaign);
                }
                else if (s.Channel == "Email")
                {
                    email.Add(s.Campaign);
                }
            }
        }

        var sent = world.Mailchimp.Campaigns.Where(c => c.SendTime is not null).Select(c => c.UtmCampaign);
        Assert.Multiple(() =>
        {
            Assert.That(paidSocial, Is.EquivalentTo(world.Meta.Campaigns.Select(c => c.Name)));
            Assert.That(email, Is.EquivalentTo(sent));
        });
    }

    [Test]
    public void Paid_social_contacts_name_an_ad_of_a_meta_campaign_running_on_their_creation_day()
    {
        var world = new SandboxWorld(WorldOptions.Demo);
        var checkedContacts = 0;
        for (var i = 0; i < world.Options.Contacts; i++)
        {
            var p = world.Crm.Properties(CrmObjectType.Contacts, i);
            if (p["hs_analytics_source"] != "PAID_SOCIAL")
            {
                continue;
            }

            var created = DateOnly.FromDateTime(DateTimeOffset.Parse(p["createdate"]!, System.Globalization.CultureInfo.InvariantCulture).UtcDateTime);
            // Drill-down 2 holds the ad id (as HubSpot's ads tracking sets it); the campaign is the landing page's utm_campaign.
            var campaign = world.Meta.Ads.Single(a => a.Id == p["hs_analytics_source_data_2"]).Campaign;
            // Before the world's first day, a campaign running from that day on had been running already.
            var running = MetaWorld.IsActive(campaign, created) || (created < world.Options.StartDate && campaign.StartDate == world.Options.StartDate);
            Assert.That(running, Is.True, $"contact {i} created {created}, campaign {campaign.Name} {campaign.StartDate}..{campaign.StopDate}");
            Assert.That(p["hs_analytics_first_url"], Does.EndWith("utm_campaign=" + campaign.Name));
            checkedContacts++;
        }

        Assert.That(checkedContacts, Is.GreaterThan(10));
    }

    [Test]
    public void Restatement_changes_only_recent_days()
    {
        var world = new SandboxWorld(WorldOptions.Demo);
        var account = world.Meta.Accounts[0].AccountId;
        var old = world.Today.AddDays(-40);
        var recentMeta = world.Today.AddDays(-10);
        var before = (Ga4Old: world.Truth.Ga4Sessions(world.Today.AddDays(-5)), Ga4New: world.Truth.Ga4Sessions(world.Today),
            MetaOld: world.Truth.MetaPurchases(account, old), MetaNew: world.Truth.MetaPurchases(account, recentMeta));

        world.AdvanceReadGeneration();

        Assert.Multiple(() =>
        {
            Assert.That(world.Truth.Ga4Sessions(world.Today.AddDays(-5)), Is.EqualTo(before.Ga4Old));
            Assert.That(world.Truth.Ga4Sessions(world.Today), Is.GreaterThan(before.Ga4New));
            Assert.That(world.Truth.MetaPurchases(account, old), Is.EqualTo(before.MetaOld));
            Assert.That(world.Truth.MetaPurchases(account, recentMeta), Is.GreaterThan(before.MetaNew));
        });
    }

    [Test]
    public void Benchmark_world_is_lazy_and_fast_to_build()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var world = new SandboxWorld(WorldOptions.Benchmark(1.0));
        var segments = world.Ga4.Segments(world.Today, 0);
        var contact = world.Crm.Properties(CrmObjectType.Contacts, world.Options.Contacts - 1);

        Assert.Multiple(() =>
        {
            Assert.That(segments, Has.Count.GreaterThan(2_700));
            Assert.That(contact["hs_object_id"], Is.EqualTo((CrmWorld.ContactIdBase + world.Options.Contacts - 1).ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(started.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
        });
    }
}
