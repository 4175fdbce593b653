namespace Pipeline.Sandbox.World;

/// <summary>
/// One deterministic synthetic business seen through four marketing platforms. Everything is derived from
/// <see cref="WorldOptions"/>; the only mutable state is the read generation that drives restatement.
/// </summary>
public sealed class SandboxWorld
{
    private int readGeneration;

    public SandboxWorld(WorldOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        AsOf = new DateTimeOffset(options.EndDate.ToDateTime(new TimeOnly(21, 0)), TimeSpan.Zero);
        Meta = new MetaWorld(options);
        Mailchimp = new MailchimpWorld(options, AsOf);
        Ga4 = new Ga4World(options, Meta, Mailchimp);
        GoogleAds = new GoogleAdsWorld(options, Ga4);
        Crm = new CrmWorld(options, AsOf, Meta, Mailchimp);
        Pipedrive = new PipedriveWorld(options);
        Truth = new GroundTruth(this);
    }

    public WorldOptions Options { get; }

    /// <summary>The world's "now": the evening of its last day. Relative dates (today, yesterday) use it.</summary>
    public DateTimeOffset AsOf { get; }

    public DateOnly Today => Options.EndDate;

    public MetaWorld Meta { get; }
    public MailchimpWorld Mailchimp { get; }
    public Ga4World Ga4 { get; }

    /// <summary>The Google Ads account linked to the GA4 property (its data is served through GA4).</summary>
    public GoogleAdsWorld GoogleAds { get; }
    public CrmWorld Crm { get; }

    /// <summary>The second CRM (Pipedrive); not part of the marts' business.</summary>
    public PipedriveWorld Pipedrive { get; }

    /// <summary>True totals of what the APIs currently serve, to compare a warehouse against.</summary>
    public GroundTruth Truth { get; }

    /// <summary>
    /// How many times the platforms have "reprocessed" recent data. Recent GA4 days, the last 28 days of Meta
    /// conversions and recent Mailchimp reports change when it advances; older data never does.
    /// </summary>
    public int ReadGeneration => Volatile.Read(ref readGeneration);

    public int AdvanceReadGeneration() => Interlocked.Increment(ref readGeneration);
}
