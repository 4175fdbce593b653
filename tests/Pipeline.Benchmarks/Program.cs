using System.Globalization;
using System.Text.Json;
using Pipeline.Benchmarks;

// make bench: dotnet Pipeline.Benchmarks.dll [--out bench/results.json] [--scale 1.0]
// Each case runs in a child process (this program with "child spec.json result.json") against a sandbox this
// process hosts on loopback, so a case's peak working set is its own and the sandbox's is not in it.
Pipeline.Etl.NativeHeap.LimitArenas(); // as the CLI does: the children measure what it does
var json = new JsonSerializerOptions { WriteIndented = true };
if (args is ["child", var specFile, var resultFile])
{
    ChildResult result;
    try
    {
        result = await Child.RunAsync(JsonSerializer.Deserialize<ChildSpec>(await File.ReadAllTextAsync(specFile))!);
    }
    catch (Exception ex)
    {
        result = new ChildResult { Error = ex.GetType().Name + ": " + ex.Message, PeakWorkingSetMb = Child.PeakWorkingSetMb() };
    }

    await File.WriteAllTextAsync(resultFile, JsonSerializer.Serialize(result, json));
    return result.Error is null ? 0 : 1;
}

if (args is [ManyAccountsCase.ManyAccountsChildArgument, var manySpec, var manyResult])
{
    return await ManyAccountsChild.MainAsync(manySpec, manyResult);
}

var output = "bench/results.json";
var scale = 1.0;
string? queryWorld = null;
var cases = new HashSet<string>(["ingest", "memory", "incremental", "many-accounts"], StringComparer.Ordinal);
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--out" when i + 1 < args.Length: output = args[++i]; break;
        case "--scale" when i + 1 < args.Length: scale = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--query-world" when i + 1 < args.Length: queryWorld = Path.GetFullPath(args[++i]); break;
        case "--cases" when i + 1 < args.Length: cases = [.. args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]; break;
        default:
            Console.Error.WriteLine($"unknown argument '{args[i]}'; usage: Pipeline.Benchmarks [--out bench/results.json] [--scale 1.0] [--cases ingest|ingest-ga4|ingest-meta,memory,incremental,many-accounts,refresh] [--query-world PATH (incremental keeps its ~10M-row world there; refresh reuses it)]");
            return 2;
    }
}

var bench = new Bench(Path.GetFullPath(output), scale, cases, queryWorld);
return await bench.RunAsync();
