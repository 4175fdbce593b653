using System.Globalization;
using System.Security.Cryptography;

namespace Pipeline.Etl;

/// <summary>Run ids sort by start time and stay unique across processes: <c>20261122T224500Z-3f9a1c</c>.</summary>
public static class RunIds
{
    public static string New(TimeProvider? clock = null)
    {
        var now = (clock ?? TimeProvider.System).GetUtcNow();
        return now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
    }
}
