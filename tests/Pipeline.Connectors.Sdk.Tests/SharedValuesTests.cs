using System.Text;
using Pipeline.Connectors.Strings;
using Pipeline.Connectors.Values;

namespace Pipeline.Connectors.Sdk.Tests;

/// <summary>What report readers share between rows: equal strings and boxes, never a different value.</summary>
public sealed class SharedValuesTests
{
    [Test]
    public void Repeating_values_come_back_as_one_instance_each()
    {
        var strings = new SharedStrings();
        var countries = new[] { "DE", "FR", "Österreich" };

        var read = Enumerable.Range(0, 3 * SharedStrings.SampleSize).Select(i => strings.Get(Encoding.UTF8.GetBytes(countries[i % 3]))).ToList();

        Assert.That(strings.Sharing, Is.True);
        Assert.That(read, Is.EqualTo(Enumerable.Range(0, read.Count).Select(i => countries[i % 3])));
        Assert.That(read.Distinct(ReferenceEqualityComparer.Instance).Count(), Is.EqualTo(3));
    }

    [Test]
    public void Values_that_never_repeat_stop_being_kept_after_one_sample()
    {
        var strings = new SharedStrings();
        var values = Enumerable.Range(0, 2 * SharedStrings.SampleSize).Select(i => $"/landing?gclid={i:D8}").ToList();

        var read = values.Select((v, i) =>
        {
            var text = strings.Get(Encoding.UTF8.GetBytes(v));
            Assert.That(strings.Sharing, Is.EqualTo(i < SharedStrings.SampleSize - 1), $"lookup {i}");
            return text;
        }).ToList();

        Assert.That(read, Is.EqualTo(values), "the values themselves are unchanged");
        var again = strings.Get(Encoding.UTF8.GetBytes(values[0]));
        Assert.That(again, Is.EqualTo(values[0]));
        Assert.That(again, Is.Not.SameAs(read[0]), "nothing is kept once sharing stopped");
    }

    [Test]
    public void A_column_that_repeats_a_quarter_of_the_time_keeps_sharing()
    {
        var strings = new SharedStrings();
        // Each value twice: the second lookup of each is a hit, so half of a sample is known.
        foreach (var i in Enumerable.Range(0, 2 * SharedStrings.SampleSize))
        {
            strings.Get(Encoding.UTF8.GetBytes($"campaign {i / 2}"));
        }

        Assert.That(strings.Sharing, Is.True);
    }

    [Test]
    public void Small_counts_and_days_share_a_box_and_keep_their_value()
    {
        static bool SameBoxTwice(long value) => ReferenceEquals(SharedBoxes.Count(value), SharedBoxes.Count(value));
        Assert.That(new long[] { 0, 1, SharedBoxes.SmallCountBound - 1 }.Select(SameBoxTwice), Is.All.True);
        Assert.That(new long[] { SharedBoxes.SmallCountBound, -1, long.MaxValue }.Select(SameBoxTwice), Is.All.False);
        foreach (var value in new long[] { 0, 7, SharedBoxes.SmallCountBound - 1, SharedBoxes.SmallCountBound, -1, long.MaxValue })
        {
            Assert.That(SharedBoxes.Count(value), Is.TypeOf<long>().And.EqualTo(value));
        }

        Assert.That(SharedBoxes.Amount(0.00m), Is.SameAs(SharedBoxes.Amount(0m)));
        Assert.That(ReferenceEquals(SharedBoxes.Amount(1.5m), SharedBoxes.Amount(1.5m)), Is.False);
        Assert.That(SharedBoxes.Amount(-12.34m), Is.TypeOf<decimal>().And.EqualTo(-12.34m));

        var day = new DateOnly(2026, 12, 7);
        var first = SharedBoxes.Day(day);
        Assert.That(SharedBoxes.Day(new DateOnly(2026, 12, 7)), Is.SameAs(first));
        foreach (var value in new[] { day, new DateOnly(1970, 1, 1), new DateOnly(2099, 12, 31), new DateOnly(1969, 12, 31), new DateOnly(2100, 1, 1), DateOnly.MaxValue })
        {
            Assert.That(SharedBoxes.Day(value), Is.TypeOf<DateOnly>().And.EqualTo(value));
        }
    }
}
