namespace Pipeline.Sandbox.World;

/// <summary>
/// Stateless hashing so any fact of the world (a day, an ad, a contact) can be derived on demand from the seed,
/// without keeping generated rows in memory.
/// </summary>
internal static class Det
{
    public static ulong Mix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    public static ulong Hash(long seed, long a, long b = 0, long c = 0, long d = 0)
    {
        var h = Mix((ulong)seed);
        h = Mix(h ^ (ulong)a);
        h = Mix(h ^ (ulong)b);
        h = Mix(h ^ (ulong)c);
        return Mix(h ^ (ulong)d);
    }

    /// <summary>Uniform double in [0, 1).</summary>
    public static double Unit(long seed, long a, long b = 0, long c = 0, long d = 0) =>
        (Hash(seed, a, b, c, d) >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform double in [min, max).</summary>
    public static double Between(double min, double max, long seed, long a, long b = 0, long c = 0, long d = 0) =>
        min + ((max - min) * Unit(seed, a, b, c, d));

    public static int Index(int count, long seed, long a, long b = 0, long c = 0, long d = 0) =>
        (int)(Hash(seed, a, b, c, d) % (ulong)count);

    public static string Hex(int length, long seed, long a, long b = 0)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = "0123456789abcdef"[(int)(Hash(seed, a, b, i) & 0xF)];
        }

        return new string(chars);
    }

    public static string Digits(int length, long seed, long a, long b = 0)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            // A leading zero would be trimmed by anyone parsing ids as numbers.
            chars[i] = (char)('0' + (i == 0 ? 1 + (int)(Hash(seed, a, b, i) % 9) : (int)(Hash(seed, a, b, i) % 10)));
        }

        return new string(chars);
    }

    /// <summary>Rounds a non-negative double to a long using a hash-chosen threshold so totals stay unbiased.</summary>
    public static long Round(double value) => (long)Math.Round(value, MidpointRounding.AwayFromZero);
}

/// <summary>Salts that keep the hash streams of unrelated facts apart.</summary>
internal static class Salt
{
    public const long MetaAccount = 11, MetaCampaign = 12, MetaAdSet = 13, MetaAd = 14, MetaAdDay = 15, MetaSplit = 16, MetaRestate = 17;
    public const long Ga4Segment = 21, Ga4Ratio = 22, Ga4Restate = 23, Ga4Property = 24;
    public const long MailList = 31, MailMember = 32, MailCampaign = 33, MailActivity = 34, MailKey = 35, MailUnsub = 36;
    public const long Contact = 41, Company = 42, Deal = 43, HubToken = 44, HubPortal = 45;
    public const long Token = 51, Fault = 61;
    public const long Anomaly = 71;
}
