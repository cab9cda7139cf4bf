using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Teams;
using Xunit.Abstractions;

namespace Portal.Web.Tests.Security;

/// <summary>Runs alone: it measures the process's memory while the server takes decompression bombs.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryCollection
{
    public const string Name = "Memory measurements";
}

/// <summary>
/// Generated malformed uploads and scenarios through the real HTTP API on PostgreSQL: every one is refused with a 4xx
/// naming the problem, none stores anything, and a decompression bomb leaves the server's memory bounded.
/// </summary>
[Collection(MemoryCollection.Name)]
public sealed class FuzzTests(ITestOutputHelper output)
{
    private const string M = "TEST_2020-01-02_34200000_57600000_message_2.csv";
    private const string B = "TEST_2020-01-02_34200000_57600000_orderbook_2.csv";
    private const string Msg = "34200.1,1,1,100,1000000,1\n34200.2,1,2,30,1001000,-1\n34200.3,4,2,10,1001000,-1\n";
    private static readonly string[] BookRows =
    [
        "1001000,20,1000000,100,1002000,30,999000,40",
        "1001000,50,1000000,100,1002000,30,999000,40",
        "1001000,40,1000000,100,1002000,30,999000,40",
    ];
    private static readonly string Book = string.Join('\n', BookRows) + "\n";

    private sealed record Upload(string Case, IReadOnlyList<(string Name, byte[] Content)> Files, string Format = "auto", string? Name = null, string? Instrument = null);

    [Fact]
    public async Task Three_hundred_malformed_uploads_answer_4xx_and_store_nothing_and_bombs_leave_memory_bounded()
    {
        // A 64 MiB decompressed limit (the default is 128 MiB) keeps the size bomb quick on a loaded machine.
        await using var server = await PortalServer.StartAsync(postgres: true, settings: new Dictionary<string, string?> { ["Limits:MaxDecompressedBytes"] = (64 << 20).ToString(System.Globalization.CultureInfo.InvariantCulture) });
        using var client = await server.SignedInClientAsync();
        var uploads = MalformedUploads();
        Assert.True(uploads.Count >= 300, $"only {uploads.Count} cases");

        var answers = new List<(string Case, HttpStatusCode Status, string Body)>();
        foreach (var upload in uploads)
        {
            using var response = await client.PostAsync("/api/datasets", Form(upload));
            answers.Add((upload.Case, response.StatusCode, await response.Content.ReadAsStringAsync()));
        }

        // Decompression bombs: one 512 MiB line (about half a megabyte compressed), and 108 MiB of short valid rows.
        var lineBomb = GzipRepeated("", new string('7', 1 << 20), 512);
        var rowsBomb = GzipRepeated("timestamp,price,size\n", string.Concat(Enumerable.Repeat("2024-08-08T10:00:00Z,100,1\n", 40_000)), 100);
        using var sampler = new MemorySampler();
        using var lineAnswer = await client.PostAsync("/api/datasets", Form(new Upload("line bomb", [("AMZN_2012-06-21_34200000_57600000_message_1.csv.gz", lineBomb), (B, Encoding.ASCII.GetBytes(Book))])));
        using var rowsAnswer = await client.PostAsync("/api/datasets", Form(new Upload("rows bomb", [("trades.csv.gz", rowsBomb)], "csv", Instrument: "XYZ")));
        var peak = sampler.Stop();

        var report = string.Join("\n", answers.GroupBy(a => (int)a.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}"));
        output.WriteLine($"{answers.Count} malformed uploads by status:\n{report}");
        output.WriteLine($"line bomb {lineBomb.Length:N0} bytes compressed → {(int)lineAnswer.StatusCode}; rows bomb {rowsBomb.Length:N0} bytes → {(int)rowsAnswer.StatusCode}");
        output.WriteLine($"during the bombs: peak working set {peak.WorkingSet / 1e6:N0} MB (from {peak.StartWorkingSet / 1e6:N0} MB), peak GC heap {peak.GcHeap / 1e6:N0} MB");
        var failures = answers.Where(a => (int)a.Status is not (400 or 413)).Select(a => $"{a.Case}: {(int)a.Status} {a.Body[..Math.Min(300, a.Body.Length)]}").ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, lineAnswer.StatusCode);
        Assert.Contains("Limits:MaxLineBytes", await lineAnswer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, rowsAnswer.StatusCode);
        Assert.Contains("Limits:MaxDecompressedBytes", await rowsAnswer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(lineBomb.Length < 1 << 20);
        // The bound is on growth during the bombs: the process also holds whatever earlier tests in this assembly left
        // behind. Reading the 512 MiB line or the 108 MiB of rows into memory would grow it by far more than this.
        Assert.True(peak.WorkingSet - peak.StartWorkingSet < 400L << 20, $"working set grew by {(peak.WorkingSet - peak.StartWorkingSet):N0} bytes during the bombs (peak {peak.WorkingSet:N0})");
        await using var db = await server.Db();
        Assert.Equal(0, await db.Datasets.CountAsync());
        Assert.Empty(await client.GetFromJsonAsync<JsonElement[]>("/api/datasets") ?? []);
    }

    [Fact]
    public async Task A_hundred_malformed_scenarios_answer_400_and_store_nothing()
    {
        await using var server = await PortalServer.StartAsync(postgres: true, settings: new Dictionary<string, string?> { ["Jobs:RunServerInProcess"] = "false" });
        using var client = await server.SignedInClientAsync();
        var list = await client.GetFromJsonAsync<JsonElement>("/api/scenarios");
        var id = list[0].GetProperty("id").GetGuid();
        var valid = await client.GetStringAsync($"/api/scenarios/{id}/json");
        var cases = MalformedScenarios(valid);
        Assert.True(cases.Count >= 100, $"only {cases.Count} cases");

        var answers = new List<(string Case, HttpStatusCode Status, string Body)>();
        foreach (var (name, json, runOnly) in cases)
        {
            // Both ways in: saving a scenario, and submitting a run with the scenario inline.
            foreach (var run in runOnly ? [true] : new[] { false, true })
            {
                using var content = new StringContent(run ? $"{{\"scenario\":{json}}}" : json, Encoding.UTF8, "application/json");
                using var response = await client.PostAsync(run ? "/api/runs" : "/api/scenarios", content);
                answers.Add((name + (run ? " (run)" : " (scenario)"), response.StatusCode, await response.Content.ReadAsStringAsync()));
            }
        }

        var failures = answers.Where(a => a.Status != HttpStatusCode.BadRequest).Select(a => $"{a.Case}: {(int)a.Status} {a.Body[..Math.Min(300, a.Body.Length)]}").ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        await using var db = await server.Db();
        Assert.Equal(1, await db.Scenarios.CountAsync());
        Assert.Equal(0, await db.Runs.CountAsync());
        output.WriteLine($"{answers.Count} malformed scenarios, all 400");
    }

    private static List<(string Case, string Json, bool RunOnly)> MalformedScenarios(string valid)
    {
        var cases = new List<(string Case, string Json, bool RunOnly)>();
        var root = JsonNode.Parse(valid)!.AsObject();
        string With(Action<JsonObject> change)
        {
            var copy = JsonNode.Parse(valid)!.AsObject();
            change(copy);
            return copy.ToJsonString();
        }
        // Truncated JSON at 20 points.
        for (var k = 1; k <= 20; k++)
        {
            cases.Add(($"truncated at {k}/21", valid[..(valid.Length * k / 21)], false));
        }
        // Every number in the scenario replaced by a string, an object and an array (type errors).
        foreach (var path in NumberPaths(root, ""))
        {
            foreach (var (label, value) in new (string, Func<JsonNode>)[] { ("string", () => JsonValue.Create("12abc")!), ("object", () => new JsonObject()), ("array", () => new JsonArray()) })
            {
                cases.Add(($"{path} as {label}", With(o => Set(o, path, value())), false));
                if (cases.Count >= 80) break;
            }
            if (cases.Count >= 80) break;
        }
        cases.Add(("name with NUL", With(o => o["name"] = "bad\0name"), false));
        cases.Add(("name with bell", With(o => o["name"] = "bad\u0007name"), false));
        cases.Add(("name of 100,000 characters", With(o => o["name"] = new string('n', 100_000)), false));
        cases.Add(("name of 201 characters", With(o => o["name"] = new string('n', 201)), false));
        cases.Add(("empty name", With(o => o["name"] = "  "), false));
        cases.Add(("unknown field", With(o => o["bogus"] = 1), false));
        cases.Add(("unknown nested field", With(o => o["order"]!.AsObject()["bogus"] = true), false));
        cases.Add(("unknown strategy", With(o => o["strategies"] = new JsonArray("nope")), false));
        cases.Add(("NUL strategy", With(o => o["strategies"] = new JsonArray("\0")), false));
        cases.Add(("regime with NUL", With(o => o["market"]!.AsObject()["regime"] = "normal\0"), false));
        cases.Add(("huge regime", With(o => o["market"]!.AsObject()["regime"] = new string('r', 20_000)), false));
        cases.Add(("replay of another team's dataset", With(o => o["replay"] = new JsonObject { ["datasetId"] = Guid.NewGuid().ToString() }), false));
        cases.Add(("episodes zero", With(o => o["episodes"] = 0), false));
        cases.Add(("episodes negative", With(o => o["episodes"] = -5), false));
        cases.Add(("episodes past the maximum", With(o => o["episodes"] = 2_000_001), false));
        cases.Add(("budget: 2,000,000 × 100,000", With(o => { o["episodes"] = 2_000_000; o["order"]!.AsObject()["steps"] = 100_000; o["order"]!.AsObject()["horizonMinutes"] = 11_000; }), true));
        cases.Add(("steps past the horizon", With(o => o["order"]!.AsObject()["steps"] = 100_000), false));
        cases.Add(("not an object: number", "1", false));
        cases.Add(("not an object: string", "\"scenario\"", false));
        cases.Add(("not an object: array", "[]", false));
        cases.Add(("null", "null", false));
        cases.Add(("deep nesting", new string('[', 5000) + new string(']', 5000), false));
        cases.Add(("invalid UTF-8 escape", valid.Replace("\"name\"", "\"na\\uZZZZme\"", StringComparison.Ordinal), false));
        return cases;
    }

    private static IEnumerable<string> NumberPaths(JsonNode node, string prefix)
    {
        if (node is JsonObject o)
        {
            foreach (var (key, value) in o)
            {
                if (value is null) continue;
                foreach (var p in NumberPaths(value, prefix.Length == 0 ? key : prefix + "." + key)) yield return p;
            }
        }
        else if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number)
        {
            yield return prefix;
        }
    }

    private static void Set(JsonObject root, string path, JsonNode value)
    {
        var parts = path.Split('.');
        var node = root;
        foreach (var part in parts[..^1]) node = node[part]!.AsObject();
        node[parts[^1]] = value;
    }

    private static List<Upload> MalformedUploads()
    {
        var cases = new List<Upload>();
        byte[] A(string s) => Encoding.UTF8.GetBytes(s);
        var lobster = new List<(string Case, string Msg, string Book)>
        {
            ("reversed book", Msg, string.Join('\n', BookRows.Reverse()) + "\n"),
            ("swapped rows", Msg, string.Join('\n', BookRows[0], BookRows[2], BookRows[1]) + "\n"),
            ("message cut mid-row", Msg[..^8], Book),
            ("book row missing a column", Msg, Book.Replace(",999000,40\n1001000,50", "\n1001000,50", StringComparison.Ordinal)),
            ("negative size", Msg.Replace(",100,", ",-100,", StringComparison.Ordinal), Book),
            ("NaN price", Msg.Replace("1001000,-1\n34200.3", "NaN,-1\n34200.3", StringComparison.Ordinal), Book),
            ("NUL in a row", Msg.Replace("34200.2", "34200\0.2", StringComparison.Ordinal), Book),
            ("time backwards", Msg.Replace("34200.3", "34200.05", StringComparison.Ordinal), Book),
            ("extra book row", Msg, Book + BookRows[2] + "\n"),
            ("empty message", "", Book),
            ("empty book", Msg, ""),
            ("huge number", Msg.Replace(",100,", ",1000000000000000000000000000000,", StringComparison.Ordinal), Book),
            ("arabic digits", Msg.Replace("34200.1", "٣٤٢٠٠.١", StringComparison.Ordinal), Book),
            ("unknown type", Msg.Replace("34200.2,1,", "34200.2,9,", StringComparison.Ordinal), Book),
            ("BOM only", "\uFEFF", "\uFEFF"),
            ("CRLF blank lines", "\r\n\r\n", "\r\n\r\n"),
            ("long line", Msg + new string('1', 200_000) + "\n", Book),
            ("quotes", Msg.Replace("34200.2", "\"34200.2", StringComparison.Ordinal), Book),
            ("crossed book", Msg, Book.Replace("1001000,20,1000000,100", "1000000,20,1001000,100", StringComparison.Ordinal)),
            ("zero price", Msg.Replace("1000000,1\n", "0,1\n", StringComparison.Ordinal), Book),
        };
        var formats = new[] { "auto", "lobster", "csv" };
        foreach (var (name, msg, book) in lobster)
        {
            foreach (var format in formats)
            {
                cases.Add(new Upload($"lobster {name} ({format})", [(M, A(msg)), (B, A(book))], format));
                cases.Add(new Upload($"lobster {name}, gzip ({format})", [(M + ".gz", Gzip(A(msg))), (B + ".gz", Gzip(A(book)))], format));
            }
        }
        var csv = new List<(string Case, string Text)>
        {
            ("header only", "timestamp,price,size\n"),
            ("unknown header", "when,what,how\n1,2,3\n"),
            ("wrong column count", "timestamp,price,size\n2024-08-08T10:00:00Z,100\n"),
            ("NaN price", "timestamp,price,size\n2024-08-08T10:00:00Z,NaN,1\n"),
            ("backwards time", "timestamp,price,size\n2024-08-08T10:00:01Z,100,1\n2024-08-08T10:00:00Z,100,1\n"),
            ("negative size", "timestamp,price,size\n2024-08-08T10:00:00Z,100,-1\n"),
            ("NUL in header", "time\0stamp,price,size\n2024-08-08T10:00:00Z,100,1\n"),
            ("unterminated quote", "timestamp,price,size\n\"2024-08-08T10:00:00Z,100,1\n"),
            ("long line", "timestamp,price,size\n" + new string('9', 100_000) + "\n"),
            ("crossed snapshot", "timestamp,ask_price_1,ask_size_1,bid_price_1,bid_size_1\n2024-08-08T10:00:00Z,99,1,100,1\n"),
        };
        foreach (var (name, text) in csv)
        {
            foreach (var format in formats)
            {
                cases.Add(new Upload($"csv {name} ({format})", [("data.csv", A(text))], format, Instrument: "XYZ"));
                cases.Add(new Upload($"csv {name}, gzip ({format})", [("data.csv.gz", Gzip(A(text)))], format, Instrument: "XYZ"));
            }
        }
        var good = Gzip(A("timestamp,price,size\n2024-08-08T10:00:00Z,100,1\n"));
        var names = new[] { ".", "..", "a/b.csv", "a\\b.csv", new string('x', 256) + ".csv", "   ", "tab\tname.csv", "bell\u0007.csv", "/etc/passwd", "a/../b.csv" };
        foreach (var fileName in names)
        {
            cases.Add(new Upload($"file name '{fileName[..Math.Min(12, fileName.Length)]}'", [(fileName, good)], "csv", Instrument: "XYZ"));
            cases.Add(new Upload($"file name '{fileName[..Math.Min(12, fileName.Length)]}' in a pair", [(M, A(Msg)), (fileName, A(Book))], "lobster"));
        }
        var fields = new (string Case, string Format, string? Name, string? Instrument)[]
        {
            ("name with NUL", "csv", "bad\0name", "XYZ"),
            ("name of 5,000 characters", "csv", new string('n', 5000), "XYZ"),
            ("name with escape", "csv", "bad\u001bname", "XYZ"),
            ("instrument with NUL", "csv", null, "X\0Y"),
            ("instrument of 100 characters", "csv", null, new string('I', 100)),
            ("unknown format", "parquet", null, "XYZ"),
            ("format with NUL", "csv\0", null, "XYZ"),
            ("no instrument for CSV", "csv", null, null),
        };
        foreach (var (name, format, datasetName, instrument) in fields)
        {
            cases.Add(new Upload(name, [("trades.csv.gz", good)], format, datasetName, instrument));
            cases.Add(new Upload(name + " (plain)", [("trades.csv", A("timestamp,price,size\n2024-08-08T10:00:00Z,100,1\n"))], format, datasetName, instrument));
        }
        cases.Add(new Upload("three files", [(M, A(Msg)), (B, A(Book)), ("c.csv", A(Msg))], "auto"));
        cases.Add(new Upload("one file as lobster", [(M, A(Msg))], "lobster"));
        cases.Add(new Upload("same name twice", [("a.csv", good), ("a.csv", good)], "csv", Instrument: "XYZ"));
        // Random junk: text from a pool of troublesome fields, sometimes gzip-wrapped, sometimes with a corrupt gzip body.
        var random = new Random(20261202);
        string[] pool = ["", "-", "1e309", "NaN", "\0", "９", "1,2", "\"", "\"\"\"", "34200.1", "-9999999999", "9999999999", "١", "\uFEFF", "∞", "0x1F", " ", "\t"];
        while (cases.Count < 330)
        {
            var lines = Enumerable.Range(0, random.Next(1, 20))
                .Select(_ => string.Join(random.Next(4) == 0 ? ";" : ",", Enumerable.Range(0, random.Next(1, 9)).Select(_ => random.Next(3) == 0 ? random.Next(-5, 100).ToString(System.Globalization.CultureInfo.InvariantCulture) : pool[random.Next(pool.Length)])));
            var bytes = A(string.Join(random.Next(2) == 0 ? "\n" : "\r\n", lines));
            var wrap = random.Next(3);
            var content = wrap switch
            {
                0 => bytes,
                1 => Gzip(bytes),
                _ => [0x1F, 0x8B, .. bytes],
            };
            var pair = random.Next(2) == 0;
            var k = cases.Count;
            cases.Add(pair
                ? new Upload($"random pair {k}", [(M, content), (B, A(string.Join('\n', lines)))], formats[random.Next(3)])
                : new Upload($"random file {k}", [($"junk{k}.csv", content)], formats[random.Next(3)], Instrument: "XYZ"));
        }
        return cases;
    }

    private static MultipartFormDataContent Form(Upload upload)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, content) in upload.Files)
        {
            var file = new ByteArrayContent(content);
            file.Headers.ContentType = new("application/octet-stream");
            // The file name goes out as the browser would send it, control characters and all.
            file.Headers.ContentDisposition = new("form-data") { Name = "\"files\"", FileName = "\"" + name.Replace("\"", "", StringComparison.Ordinal) + "\"" };
            form.Add(file);
        }
        form.Add(new StringContent(upload.Format), "format");
        if (upload.Name is not null) form.Add(new StringContent(upload.Name), "name");
        if (upload.Instrument is not null) form.Add(new StringContent(upload.Instrument), "instrument");
        return form;
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
        {
            gzip.Write(data);
        }
        return output.ToArray();
    }

    private static byte[] GzipRepeated(string head, string chunk, int times)
    {
        var bytes = Encoding.ASCII.GetBytes(chunk);
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize))
        {
            gzip.Write(Encoding.ASCII.GetBytes(head));
            for (var i = 0; i < times; i++) gzip.Write(bytes);
        }
        return output.ToArray();
    }

    /// <summary>Samples this process's working set and GC heap every 10 ms until stopped.</summary>
    private sealed class MemorySampler : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _task;
        private long _workingSet, _gcHeap;

        public MemorySampler()
        {
            GC.Collect();
            using var self = Process.GetCurrentProcess();
            StartWorkingSet = self.WorkingSet64;
            _task = Task.Run(async () =>
            {
                using var process = Process.GetCurrentProcess();
                while (!_stop.IsCancellationRequested)
                {
                    process.Refresh();
                    _workingSet = Math.Max(_workingSet, process.WorkingSet64);
                    _gcHeap = Math.Max(_gcHeap, GC.GetTotalMemory(forceFullCollection: false));
                    try { await Task.Delay(10, _stop.Token); } catch (OperationCanceledException) { }
                }
            });
        }

        public long StartWorkingSet { get; }

        public (long WorkingSet, long GcHeap, long StartWorkingSet) Stop()
        {
            _stop.Cancel();
            _task.Wait();
            return (_workingSet, _gcHeap, StartWorkingSet);
        }

        public void Dispose() => _stop.Dispose();
    }
}
