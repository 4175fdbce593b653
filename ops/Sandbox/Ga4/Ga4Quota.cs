using System.Text.Json;

namespace Pipeline.Sandbox.Ga4;

/// <summary>Property token accounting, reported as propertyQuota (standard-property limits).</summary>
internal sealed class Ga4Quota(long tokensPerDay)
{
    private const long TokensPerHour = 40_000, TokensPerProjectPerHour = 14_000, ConcurrentRequests = 10, ServerErrorsPerHour = 10, ThresholdedPerHour = 120;
    private long consumed;

    public bool Exhausted => Interlocked.Read(ref consumed) >= tokensPerDay;

    public long Consume(long tokens) => Interlocked.Add(ref consumed, tokens);

    public void Write(Utf8JsonWriter w, long consumedByRequest)
    {
        var total = Interlocked.Read(ref consumed);
        w.WriteStartObject("propertyQuota");
        Entry(w, "tokensPerDay", consumedByRequest, tokensPerDay - total);
        Entry(w, "tokensPerHour", consumedByRequest, TokensPerHour - Math.Min(TokensPerHour, total));
        Entry(w, "concurrentRequests", 0, ConcurrentRequests);
        Entry(w, "serverErrorsPerProjectPerHour", 0, ServerErrorsPerHour);
        Entry(w, "potentiallyThresholdedRequestsPerHour", 0, ThresholdedPerHour);
        Entry(w, "tokensPerProjectPerHour", consumedByRequest, TokensPerProjectPerHour - Math.Min(TokensPerProjectPerHour, total));
        w.WriteEndObject();
    }

    private static void Entry(Utf8JsonWriter w, string name, long used, long remaining)
    {
        w.WriteStartObject(name);
        w.WriteNumber("consumed", used);
        w.WriteNumber("remaining", Math.Max(0, remaining));
        w.WriteEndObject();
    }
}
